"""Events on RabbitMQ, published with pika (Debian's python3-pika), as a
Celery or Django service would reach its broker.

Slipway injects the broker's stable address as RABBITMQ_SERVICE_HOST and
RABBITMQ_SERVICE_PORT_5672; on a container network the defaults
(rabbitmq:5672) apply. The credentials come from the compose file.
"""

import json
import os
import time

import pika
import pika.exceptions

QUEUE = "ticket-events"
Unreachable = pika.exceptions.AMQPError
# `rabbitmq-diagnostics ping`, the image's health check, passes once the
# Erlang node runs, seconds before the AMQP listener opens: a client retries
# its first connection meanwhile, as Celery does.
CONNECT_PATIENCE_SECONDS = 30


def publish(event, payload):
    """One durable message on the `ticket-events` queue; a connection per
    event keeps request threads apart."""
    credentials = pika.PlainCredentials(
        os.environ.get("RABBITMQ_USER", "guest"), os.environ.get("RABBITMQ_PASSWORD", "guest"))
    parameters = pika.ConnectionParameters(
        host=os.environ.get("RABBITMQ_SERVICE_HOST", "rabbitmq"),
        port=int(os.environ.get("RABBITMQ_SERVICE_PORT_5672", "5672")),
        credentials=credentials,
        socket_timeout=5,
    )
    connection = _connect(parameters)
    try:
        channel = connection.channel()
        channel.queue_declare(QUEUE, durable=True)
        channel.basic_publish(
            "", QUEUE, json.dumps(dict(payload, event=event)).encode(),
            pika.BasicProperties(content_type="application/json", delivery_mode=2))
    finally:
        connection.close()


def _connect(parameters):
    deadline = time.monotonic() + CONNECT_PATIENCE_SECONDS
    while True:
        try:
            return pika.BlockingConnection(parameters)
        except pika.exceptions.AMQPConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)

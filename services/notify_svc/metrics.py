"""notify's business metrics; labels carry channel and outcome only, never addresses or text."""

from prometheus_client import Counter, Gauge, Histogram

SENT = Counter("padel_notifications_sent_total",
               "Delivery attempts by channel and outcome (sent, delivered, retry, failed, dead).",
               ("channel", "outcome"))
DELIVERY_SECONDS = Histogram("padel_notification_delivery_seconds",
                             "Time from queueing a message to the provider accepting it.", ("channel",),
                             buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600))
QUEUE_DEPTH = Gauge("padel_notification_queue_depth", "Deliveries waiting to be sent (queued).")

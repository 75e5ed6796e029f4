"""payment_svc: see server.py for how it is put together."""

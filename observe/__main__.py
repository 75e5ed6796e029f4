"""`python -m observe` (`make observe`): Prometheus beside a running platform."""

from observe.prometheus import main

main()

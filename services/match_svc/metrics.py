"""match_svc's business counters, counted after the change commits; labels carry kinds and outcomes
only, never player ids."""

from prometheus_client import Counter

MATCHES_OPENED = Counter("padel_matches_opened", "Open matches opened, by kind (competitive, friendly).", ("kind",))
PLACES_TAKEN = Counter("padel_match_places_taken", "Places taken in open matches, the organiser's not counted.")
MATCHES_FILLED = Counter("padel_matches_filled", "Open matches that got their four players.")
LATE_DROP_OUTS = Counter("padel_match_late_drop_outs", "Players who left a match after the cut-off.")
RESULTS_SETTLED = Counter("padel_match_results_settled", "Results settled, by outcome (confirmed, disputed).",
                          ("outcome",))
MATCHES_RELEASED = Counter("padel_matches_released", "Matches on a held court released: not enough players in time.")
RESULTS_FAILED = Counter("padel_match_results_confirm_failures", "Due results the job could not confirm (logged; "
                         "retried next run, the others confirmed regardless).")

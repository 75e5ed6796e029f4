"""match_svc's use cases, one class per subject: `Matches` (open matches and their places),
`Results` (scores and their confirmation), `Levels` (questionnaire, levels and history)."""

from match_svc.service.levels import Levels
from match_svc.service.matches import Matches
from match_svc.service.results import Results

__all__ = ["Levels", "Matches", "Results"]

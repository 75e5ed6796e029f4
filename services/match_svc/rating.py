"""Levels from a published rating model with uncertainty: openskill's Plackett-Luce model, mapped to
the 0.0–7.0 scale padel players know.

The mapping (also in the README):
- level = mu × 7 / 50, clamped to [0, 7]: openskill's default mu of 25 is level 3.5, and the model's
  skill range 0–50 spans the whole scale. A level moves exactly as the model's mu does.
- reliability = 1 − sigma / sigma₀, clamped to [0, 1], with sigma₀ = 25/3 (openskill's default
  sigma, a player the model knows nothing about, reliability 0). Each confirmed competitive match
  shrinks sigma, more against reliable opponents (a smaller team variance in the model).
- A questionnaire's starting level starts at sigma = 0.8 × sigma₀: reliability 0.2, low on purpose.
- A player who has not answered the questionnaire starts from the `skill_level` of their user_svc
  profile, taken as it is (it is on the same 0.0–7.0 scale), at sigma = 0.9 × sigma₀: reliability
  0.1, lower still, since nothing checks a self-assessment against experience.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from openskill.models import PlackettLuce

LEVEL_MAX = 7.0
MU_RANGE = 50.0
SIGMA_UNKNOWN = 25 / 3
STARTING_SIGMA = 0.8 * SIGMA_UNKNOWN
SELF_ASSESSED_SIGMA = 0.9 * SIGMA_UNKNOWN

_MODEL = PlackettLuce()


@dataclass(frozen=True)
class Skill:
    """A player's rating in the model's own units."""

    mu: float
    sigma: float

    @property
    def level(self) -> float:
        return level_of(self.mu)

    @property
    def reliability(self) -> float:
        return min(1.0, max(0.0, 1.0 - self.sigma / SIGMA_UNKNOWN))


def level_of(mu: float) -> float:
    return min(LEVEL_MAX, max(0.0, mu * LEVEL_MAX / MU_RANGE))


def mu_of(level: float) -> float:
    return level * MU_RANGE / LEVEL_MAX


def starting_skill(level: float) -> Skill:
    """A questionnaire's answer as a rating: its level, with low reliability."""
    return Skill(mu=mu_of(level), sigma=STARTING_SIGMA)


def self_assessed_skill(skill_level: float) -> Skill:
    """A profile's self-assessed skill_level as a rating: the same level, with lower reliability still."""
    return Skill(mu=mu_of(min(LEVEL_MAX, max(0.0, skill_level))), sigma=SELF_ASSESSED_SIGMA)


def departed_skill(level: float) -> Skill:
    """A player whose account was deleted after the match, as the model reads them when the others'
    result is confirmed: the level they joined with, and nothing known of its reliability."""
    return Skill(mu=mu_of(level), sigma=SIGMA_UNKNOWN)


def rate(side_a: tuple[Skill, Skill], side_b: tuple[Skill, Skill], winner: str | None) -> tuple[list[Skill], list[Skill]]:
    """The four players' new ratings after a match: `winner` is "A", "B", or None for a draw."""
    ranks = {"A": [1, 2], "B": [2, 1], None: [1, 1]}[winner]
    teams = [[_MODEL.rating(mu=s.mu, sigma=s.sigma) for s in side] for side in (side_a, side_b)]
    rated = _MODEL.rate(teams, ranks=ranks)
    return tuple([Skill(mu=p.mu, sigma=p.sigma) for p in team] for team in rated)  # type: ignore[return-value]

"""Findings: which problem, how sure, which lines prove it.

A :class:`Finding` exists for a problem once all its required symptoms
matched; its confidence is the noisy-OR of the matched symptoms' weights.
Findings below the session's minimum confidence are *inconclusive*. Benign
look-alikes (records a knowledge base explains as expected) are
:class:`Match` objects with a :attr:`Match.why`.

All of these are frozen copies taken from the session when asked for, so
they stay valid after more input is fed or the session is closed. A
finding's JSON object (:meth:`Finding.to_json`) is rendered by the C
library while the copy is taken, for the same reason.
"""

from __future__ import annotations

import ctypes
import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple

from . import _ffi
from .features import require_feature
from .kb import Cause, KnowledgeBase, Problem, Resolution, causes_supported
from .render import collect, render_finding_json

__all__ = ["Evidence", "Match", "Finding", "CauseStatus", "CauseVerdict"]


class CauseStatus(enum.IntEnum):
    """``diag_cause_status``: what the evidence says about one cause of a finding."""

    POSSIBLE = 0
    """No evidence for or against it was fed."""
    INDICATED = 1
    """A symptom that points to it matched, none that rules it out."""
    RULED_OUT = 2
    """A symptom that rules it out matched."""

    @property
    def key(self) -> str:
        """The stable name: ``"possible"``, ``"indicated"`` or ``"ruled-out"``."""
        name = _ffi.lib().diag_cause_status_name(int(self))
        if name is None:
            raise ValueError(f"unknown cause status {int(self)}")
        return name.decode()


@dataclass(frozen=True)
class CauseVerdict:
    """One cause of a finding's problem with what the evidence says about it."""

    cause: Cause
    """The cause, as the knowledge base describes it."""
    status: CauseStatus
    """Indicated, possible or ruled out."""
    evidence_for: Tuple[str, ...]
    """Ids of the matched symptoms that point to it (JSON ``for``)."""
    evidence_against: Tuple[str, ...]
    """Ids of the matched symptoms that rule it out (JSON ``against``)."""

    @property
    def id(self) -> str:
        """The cause's id."""
        return self.cause.id

    @property
    def title(self) -> str:
        """The cause's title."""
        return self.cause.title


@dataclass(frozen=True)
class Evidence:
    """One line of evidence (``diag_evidence``)."""

    input: str
    """Name of the input the line came from."""
    line: int
    """The line that decided the match (1-based)."""
    end_line: int
    """The record's last line."""
    offset: int
    """Byte offset of the record in its input."""
    raw: bytes
    """The record's text (a copy, cut to the evidence-text limit)."""

    @property
    def text(self) -> str:
        """:attr:`raw` as text (UTF-8; invalid bytes become U+FFFD)."""
        return self.raw.decode("utf-8", "replace")

    @classmethod
    def from_c(cls, e: int) -> "Evidence":
        """Copies a ``diag_evidence *``."""
        lib = _ffi.lib()
        n = ctypes.c_size_t()
        ptr = lib.diag_evidence_text(e, ctypes.byref(n))
        return cls(input=_ffi.text(lib.diag_evidence_input(e)) or "",
                   line=int(lib.diag_evidence_line(e)), end_line=int(lib.diag_evidence_end_line(e)),
                   offset=int(lib.diag_evidence_offset(e)), raw=_ffi.chars(ptr, n.value))

    def __str__(self) -> str:
        """``input:line: text``, as the text report prints evidence."""
        return f"{self.input}:{self.line}: {self.text}"


@dataclass(frozen=True)
class Match:
    """A symptom or benign rule that matched, with its evidence (``diag_match``)."""

    rule: str
    """The id of the symptom or benign rule."""
    problem: str
    """The id of the problem the rule belongs to."""
    why: Optional[str]
    """Why a benign rule's records are expected; None for symptoms."""
    weight: float
    """The rule's weight (0 for benign rules)."""
    count: int
    """How many records matched (all of them, not only those kept as evidence)."""
    group: Optional[str]
    """The group key of an aggregate match, or None."""
    evidence: Tuple[Evidence, ...]
    """The evidence lines kept, in the order seen."""

    @property
    def benign(self) -> bool:
        """True for a benign look-alike, False for a symptom."""
        return self.why is not None

    @classmethod
    def from_c(cls, m: int) -> "Match":
        """Copies a ``diag_match *``."""
        lib = _ffi.lib()
        problem = lib.diag_match_problem(m)
        return cls(rule=_ffi.text(lib.diag_match_rule(m)) or "",
                   problem=_ffi.text(lib.diag_problem_id(problem)) or "" if problem else "",
                   why=_ffi.text(lib.diag_match_why(m)),
                   weight=float(lib.diag_match_weight(m)), count=int(lib.diag_match_count(m)),
                   group=_ffi.text(lib.diag_match_group(m)),
                   evidence=tuple(Evidence.from_c(lib.diag_match_evidence_at(m, i))
                                  for i in range(lib.diag_match_evidence_count(m))))


@dataclass(frozen=True)
class Finding:
    """A diagnosed problem (``diag_finding``), copied."""

    id: str
    """Stable across updates for the same problem (and group): de-duplicate alerts on it."""
    problem: "Problem"
    """The problem found, with its cause, resolutions and references."""
    confidence: float
    """Noisy-OR of the matched symptoms' weights, in [0, 1]."""
    conclusive: bool
    """Whether it reaches the session's minimum confidence (False: inconclusive)."""
    symptoms: Tuple[Match, ...]
    """The symptoms that matched, in knowledge-base order."""
    causes: Tuple[CauseVerdict, ...] = ()
    """The differential: every cause the problem tells apart, ranked (indicated, then
    possible, then ruled out); empty when the cause is undivided."""
    _json: Optional[Tuple[str, str]] = field(default=None, compare=False, repr=False)
    # (compact, indented) JSON rendered by the C library while the finding was valid;
    # None when the library predates diag_render_finding_json.

    def to_json(self, compact: bool = True) -> str:
        """The finding as the JSON object the document's ``findings`` array holds
        (``diag_render_finding_json``), on one line unless *compact* is false, without a
        trailing newline: what an agent prints, one line per finding.

        Rendered by the C library when the finding was copied (also inside a
        finding callback, while the C finding is valid), so it reflects the
        finding as of then. Raises ``NotImplementedError`` with a library that
        predates ``diag_render_finding_json``.
        """
        if self._json is None:
            require_feature("finding_callback")
            raise NotImplementedError("this finding was copied without its JSON")
        return self._json[0 if compact else 1]

    @property
    def title(self) -> str:
        """The problem's title."""
        return self.problem.title

    @property
    def cause(self) -> str:
        """The problem's cause."""
        return self.problem.cause

    @property
    def resolutions(self) -> Tuple["Resolution", ...]:
        """The problem's resolutions, in the order to try them."""
        return self.problem.resolutions

    @property
    def references(self) -> Tuple[str, ...]:
        """The problem's references."""
        return self.problem.references

    @classmethod
    def from_c(cls, f: int, kb: "KnowledgeBase") -> "Finding":
        """Copies a ``diag_finding *`` of a session on *kb*."""
        lib = _ffi.lib()
        problem_ptr = lib.diag_finding_problem(f)
        symptoms = tuple(Match.from_c(lib.diag_finding_symptom_at(f, i))
                         for i in range(lib.diag_finding_symptom_count(f)))
        matched = {s.rule for s in symptoms}
        causes = []
        if causes_supported():
            status = ctypes.c_int()
            for i in range(lib.diag_finding_cause_count(f)):
                cause = kb.cause(problem_ptr,
                                 lib.diag_finding_cause_at(f, i, ctypes.byref(status)))
                causes.append(CauseVerdict(
                    cause, CauseStatus(status.value),
                    tuple(s for s in cause.indicated_by if s in matched),
                    tuple(s for s in cause.ruled_out_by if s in matched)))
        rendered = None
        if hasattr(lib, "diag_render_finding_json"):
            rendered = tuple(
                collect(lambda w, c=c: render_finding_json(f, w, compact=c)).decode(
                    "utf-8").rstrip("\n") for c in (True, False))
        return cls(id=_ffi.text(lib.diag_finding_id(f)) or "", problem=kb.problem(problem_ptr),
                   confidence=float(lib.diag_finding_confidence(f)),
                   conclusive=bool(lib.diag_finding_is_conclusive(f)), symptoms=symptoms,
                   causes=tuple(causes), _json=rendered)

    def __repr__(self) -> str:
        """``Finding('id', confidence=0.65, conclusive=True, symptoms=1)``."""
        return (f"Finding({self.id!r}, confidence={self.confidence:.2f}, "
                f"conclusive={self.conclusive}, symptoms={len(self.symptoms)})")

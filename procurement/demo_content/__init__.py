"""The procurement demo's texts, as data: families of French calls for tender, questions, reasons.

`procurement/demo.py` turns them into notices for the seeded member bodies; nothing here touches the database.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LotTemplate:
    title: str
    cpv: str
    share: float  # part of the notice's estimated value
    description: str = ""


@dataclass(frozen=True)
class Family:
    """One kind of purchase a public buyer makes again and again (school meals, road works...)."""

    key: str
    code: str  # the reference's middle part: 2027-VOI-004
    titles: tuple  # French titles; "{annee}" is replaced by the year of the contract
    nature: str  # works, supplies, services
    cpv: str
    description: tuple  # paragraphs (HTML allowed)
    value: tuple  # (minimum, maximum) estimated value in euros excl. VAT
    kinds: tuple = ()  # Organization.Kind values that buy this; () for every member body
    additional_cpv: tuple = ()
    lots: tuple = ()  # LotTemplate; used on some notices of the family
    lot_chance: float = 0.4
    documents: tuple = ("CCTP", "BPU")  # besides the règlement de consultation and the CCAP
    criteria: tuple = ("Prix : 40 %\nValeur technique : 60 %",)
    environmental: float = 0.3  # chance of an environmental clause
    social: float = 0.2
    reserved: float = 0.0
    suppliers: tuple = ()  # seeded company keys that win or ask questions
    questions: tuple = field(default_factory=tuple)  # (question, answer) pairs
    # (title, kinds) pairs: the titles only these kinds of body would publish (a town hall, an emergency
    # department); the other titles fit every body of the family.
    title_kinds: tuple = ()

    def titles_for(self, kind: str) -> list[str]:
        """The titles a body of this kind would publish."""
        only = dict(self.title_kinds)
        return [title for title in self.titles if kind in only.get(title, (kind,))] or list(self.titles)

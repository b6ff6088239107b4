"""Le constat : ce qu'une règle dit d'un dossier (ou du tableau entier)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

#: Gravités, de la plus forte à la plus faible.
GRAVITES: tuple[str, ...] = ("bloquant", "alerte", "info")
FAMILLES: tuple[str, ...] = ("schema", "pieces", "echeances", "budget", "egalite", "priorites")
RANG_GRAVITE = {g: i for i, g in enumerate(GRAVITES)}


@dataclass(frozen=True, slots=True)
class Constat:
    """Un problème trouvé. ``dossier`` est vide et ``ligne`` nulle pour un constat de tableau."""

    dossier: str
    ligne: int | None
    regle: str
    famille: str
    gravite: str
    partenaire: str
    # Identifiants internes des colonnes en cause (pour retrouver les cellules).
    colonnes: tuple[str, ...]
    message: str
    # Les mêmes colonnes, par leur en-tête du contrat : c'est ce que lit l'utilisateur.
    entetes: tuple[str, ...] = field(default=(), compare=False)
    # D'où vient la règle (document et section, ``Regle.source_texte``) : l'agent doit pouvoir
    # retrouver la phrase qui fonde le constat.
    source: str = field(default="", compare=False)

    def vers_dict(self) -> dict[str, Any]:
        """La forme publique (JSON) : « colonnes » y donne les en-têtes."""
        # Écrit à la main plutôt que par ``asdict`` (copie profonde générique, 0,9 s pour 34 000
        # constats) ; mêmes clés, dans le même ordre.
        return {"dossier": self.dossier, "ligne": self.ligne, "regle": self.regle,
                "famille": self.famille, "gravite": self.gravite, "partenaire": self.partenaire,
                "colonnes": list(self.entetes), "message": self.message, "source": self.source}


def avec_sources(constats: list[Constat], sources: dict[str, str]) -> list[Constat]:
    """Les constats, chacun avec la source de sa règle (``sources`` : identifiant -> texte) quand
    il n'en porte pas déjà une (ceux des règles la portent dès leur création, ``Regle.constat``)."""
    return [c if c.source or c.regle not in sources else _avec_source(c, sources[c.regle]) for c in constats]


def _avec_source(c: Constat, source: str) -> Constat:
    if type(c) is not Constat:  # une sous-classe de greffon garde sa classe et ses champs
        return replace(c, source=source)
    # Recopié champ par champ plutôt que par dataclasses.replace (deux fois plus lent).
    return Constat(c.dossier, c.ligne, c.regle, c.famille, c.gravite, c.partenaire, c.colonnes, c.message,
                   c.entetes, source)


def atteint(gravite: str, seuil: str) -> bool:
    """Vrai si ``gravite`` est au moins aussi forte que ``seuil``."""
    return RANG_GRAVITE[gravite] <= RANG_GRAVITE[seuil]


def trier(constats: list[Constat]) -> list[Constat]:
    """Ordre de lecture : par ligne du classeur (tableau en premier), puis gravité, puis règle."""
    # Quatre tris stables, du critère le plus faible au plus fort : le même ordre que la clé
    # (ligne, gravité, règle, colonnes), sans un n-uplet vivant par constat. 37 000 n-uplets à
    # la fois déclenchaient un passage du ramasse-miettes sur tous les objets de la lecture
    # (0,15 s à 50 000 dossiers).
    try:
        ordre = sorted(constats, key=_COLONNES)
        ordre.sort(key=_REGLE)
        ordre.sort(key=_rang)
        ordre.sort(key=_ligne)
    except TypeError:  # colonnes incomparables (constat de greffon) : la clé ne compare que les ex æquo
        return sorted(constats, key=lambda c: (c.ligne or 0, RANG_GRAVITE[c.gravite], c.regle, c.colonnes))
    return ordre


_COLONNES, _REGLE = attrgetter("colonnes"), attrgetter("regle")


def _rang(c: Constat) -> int:
    return RANG_GRAVITE[c.gravite]


def _ligne(c: Constat) -> int:
    return c.ligne or 0


def resumer(constats: list[Constat], nb_dossiers: int) -> dict[str, Any]:
    """Comptes par gravité, famille et partenaire ; dossiers concernés."""
    # map(attrgetter) : les comptes se font en C, sans générateur Python par constat.
    par_gravite = Counter(map(_GRAVITE, constats))
    return {
        "dossiers": nb_dossiers,
        "dossiers_avec_constats": len({c.dossier or c.ligne for c in constats if c.ligne}),
        "constats": len(constats),
        "par_gravite": {g: par_gravite.get(g, 0) for g in GRAVITES},
        "par_famille": dict(sorted(Counter(map(_FAMILLE, constats)).items())),
        "par_partenaire": dict(sorted(Counter(map(_PARTENAIRE, constats)).items())),
    }


_GRAVITE, _FAMILLE, _PARTENAIRE = attrgetter("gravite"), attrgetter("famille"), attrgetter("partenaire")

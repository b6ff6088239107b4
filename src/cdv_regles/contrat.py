"""Le contrat de colonnes du tableau de programmation, et la reconnaissance des en-têtes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from cdv_regles.chemins import dossier_regles
from cdv_regles.donnees import lire_yaml


def types_admis() -> tuple[str, ...]:
    """Les types de colonnes connus (déclarés dans :mod:`cdv_regles.types_colonnes`)."""
    from cdv_regles.types_colonnes import noms_types

    return noms_types()


@dataclass(frozen=True, slots=True)
class Colonne:
    id: str
    entete: str
    type: str
    requis: str  # O, C ou F
    groupe: str
    referentiel: str | None = None
    alias: tuple[str, ...] = ()
    partenaire: str = "socle"


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def normaliser_entete(texte: object) -> str:
    """Clé de comparaison d'un en-tête : sans casse, accents, espaces superflus ni retours.

    « Date de dépôt\\nde la note d’intention » et « date de depot de la note d'intention »
    donnent la même clé.
    """
    s = unicodedata.normalize("NFKD", str(texte)).translate(_APOSTROPHES)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("°", "o").replace("º", "o")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return s


@cache
def colonnes_socle() -> tuple[Colonne, ...]:
    chemin = dossier_regles() / "colonnes.yaml"
    donnees = lire_yaml(chemin)
    resultat = []
    for groupe in donnees["groupes"]:
        for c in groupe["colonnes"]:
            resultat.append(Colonne(
                id=c["id"], entete=c["entete"], type=c["type"], requis=c["requis"],
                groupe=groupe["nom"], referentiel=c.get("referentiel"),
                alias=tuple(c.get("alias", ())),
            ))
    return tuple(resultat)


def index_entetes(colonnes: tuple[Colonne, ...]) -> dict[str, Colonne]:
    """En-tête normalisé (et alias) -> colonne."""
    index: dict[str, Colonne] = {}
    for c in colonnes:
        for e in (c.entete, *c.alias):
            index[normaliser_entete(e)] = c
    return index

"""Le contrat de colonnes du tableau de programmation, et la reconnaissance des en-têtes."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
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
    # En-tête qui nomme une année relative au millésime (« Bilan intermédiaire {N-1} »).
    modele: str = ""


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def normaliser_entete(texte: object) -> str:
    """Clé de comparaison d'un en-tête : sans casse, accents, espaces superflus ni retours.

    « Date de dépôt\\nde la note d’intention » et « date de depot de la note d'intention »
    donnent la même clé.
    """
    texte = str(texte)
    # Les mêmes en-têtes reviennent (choix du séparateur, ligne d'en-têtes, conversion, totaux) :
    # gardés en mémoire, les courts seulement (une cellule peut faire 100 000 caractères).
    return _normaliser_court(texte) if len(texte) <= 200 else _normaliser(texte)


def _normaliser(texte: str) -> str:
    s = unicodedata.normalize("NFKD", texte).translate(_APOSTROPHES)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("°", "o").replace("º", "o")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return s


_normaliser_court = functools.lru_cache(maxsize=4096)(_normaliser)


ANNEE_PRECEDENTE = "{N-1}"
# Sans millésime (repérage de la ligne d'en-tête, texte-git), l'année d'un en-tête relatif est
# reconnue quelle qu'elle soit dans cette plage.
_ANNEES_RECONNUES = range(2014, 2041)


@cache
def colonnes_socle() -> tuple[Colonne, ...]:
    """Le contrat sans millésime : un en-tête relatif s'écrit « N-1 » et se reconnaît avec
    n'importe quelle année (voir ``colonnes_du_millesime`` pour celui d'une année)."""
    chemin = dossier_regles() / "colonnes.yaml"
    donnees = lire_yaml(chemin)
    resultat = []
    for groupe in donnees["groupes"]:
        for c in groupe["colonnes"]:
            entete, modele = c["entete"], ""
            alias = tuple(c.get("alias", ()))
            if ANNEE_PRECEDENTE in entete:
                modele, entete = entete, entete.replace(ANNEE_PRECEDENTE, "N-1")
                alias += tuple(modele.replace(ANNEE_PRECEDENTE, str(a)) for a in _ANNEES_RECONNUES)
            resultat.append(Colonne(
                id=c["id"], entete=entete, type=c["type"], requis=c["requis"],
                groupe=groupe["nom"], referentiel=c.get("referentiel"), alias=alias, modele=modele,
            ))
    return tuple(resultat)


def colonnes_du_millesime(colonnes: tuple[Colonne, ...], millesime: int) -> tuple[Colonne, ...]:
    """Le contrat d'un millésime : « Bilan intermédiaire {N-1} » devient « Bilan intermédiaire
    2023 » pour 2024 (« … N-1 » reste accepté ; une autre année ne l'est pas)."""
    resultat = []
    for c in colonnes:
        if c.modele:
            neutre = c.modele.replace(ANNEE_PRECEDENTE, "N-1")
            alias = (*(a for a in c.alias if a != neutre and not _annee_du_modele(c.modele, a)), neutre)
            c = replace(c, entete=c.modele.replace(ANNEE_PRECEDENTE, str(millesime - 1)), alias=alias)
        resultat.append(c)
    return tuple(resultat)


def _annee_du_modele(modele: str, entete: str) -> bool:
    avant, _, apres = modele.partition(ANNEE_PRECEDENTE)
    return bool(re.fullmatch(re.escape(avant) + r"[0-9]{4}" + re.escape(apres), entete))


def annee_autre(colonne: Colonne, entete: object) -> int | None:
    """L'année d'un en-tête relatif écrit pour une autre année que celle du contrat
    (« Bilan intermédiaire 2022 » dans un tableau 2024), sinon None."""
    if not colonne.modele:
        return None
    avant, _, apres = normaliser_entete(colonne.modele).partition(ANNEE_PRECEDENTE.casefold())
    # [0-9] et non \d : « Bilan intermédiaire ٢٠٢٢ » (chiffres arabes-indiens) n'est pas l'an 2022.
    m = re.fullmatch(re.escape(avant) + r"([0-9]{4})" + re.escape(apres), normaliser_entete(entete))
    return int(m[1]) if m else None


def index_entetes(colonnes: tuple[Colonne, ...]) -> dict[str, Colonne]:
    """En-tête normalisé (et alias) -> colonne."""
    index: dict[str, Colonne] = {}
    for c in colonnes:
        for e in (c.entete, *c.alias):
            index[normaliser_entete(e)] = c
    return index

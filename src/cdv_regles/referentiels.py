"""Référentiels (communes, QPV, listes fermées) et comparaison tolérante des noms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cdv_regles.chemins import dossier_regles
from cdv_regles.donnees import lire_csv, lire_yaml
from cdv_regles.erreurs import RegleInvalide

_ABREVIATIONS = {"st": "saint", "ste": "sainte"}
# Articles élidés ignorés : « Condé-sur-l'Escaut » et « Condé-sur-Escaut » désignent la même commune.
_ELIDES = {"l", "d"}


@cache
def cle_nom(texte: str) -> str:
    """Clé de comparaison d'un nom de lieu : sans casse, accents, tirets, apostrophes ni article élidé."""
    # Un chiffre non ASCII (arabe-indien, pleine chasse…) ne se lit pas comme son équivalent : un
    # code QPV ou INSEE qui en contient n'est pas reconnu (au lieu d'être deviné).
    texte = "".join("\ufffd" if c.isdigit() and not c.isascii() else c for c in texte)
    s = unicodedata.normalize("NFKD", texte)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("œ", "oe").replace("æ", "ae")
    mots = re.split(r"[\s\-'’‘`´.,()]+", s)
    return " ".join(_ABREVIATIONS.get(m, m) for m in mots if m and m not in _ELIDES)


@dataclass
class Referentiel:
    """Une liste de valeurs admises. ``cles`` : clé tolérante -> valeur officielle.

    ``qualifiees`` : (clé courte, clé du contexte) -> valeur officielle, pour un nom qui n'est
    univoque qu'avec son contexte (« Centre-Ville » d'une commune donnée).
    """

    nom: str
    valeurs: list[str]
    cles: dict[str, str] = field(default_factory=dict)
    qualifiees: dict[tuple[str, str], str] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)
    # Noms d'une géographie précédente (clé -> ce qu'il faut dire : le code qui correspond, ou
    # qu'aucun n'est connu), et la phrase qui explique le changement.
    anciens: dict[str, str] = field(default_factory=dict)
    note_anciens: str = ""

    def officiel(self, texte: str) -> str | None:
        return self.cles.get(cle_nom(texte))


def _depuis_valeurs(nom: str, valeurs: list[Any], source: dict) -> Referentiel:
    """Un élément est une valeur, ou un dictionnaire (« valeur », « numero » ou « code », ses
    champs, et « alias » : les abréviations acceptées à la lecture, p. ex. PRE)."""
    details = [v if isinstance(v, dict) else {"valeur": v} for v in valeurs]
    officielles = [str(d.get("valeur", d.get("numero", d.get("code")))) for d in details]
    ref = Referentiel(nom, officielles, details=details, source=source)
    for v in officielles:
        ref.cles[cle_nom(v)] = v
    for v, d in zip(officielles, details, strict=True):
        alias = d.get("alias") or []
        for court in [alias] if isinstance(alias, str) else alias:
            ref.cles.setdefault(cle_nom(str(court)), v)
    return ref


def _communes(chemin: Path) -> Referentiel:
    lignes = lire_csv(chemin)
    ref = Referentiel("communes", [r["nom"] for r in lignes], details=lignes,
                      source={"document": "COG 2026", "section": "EPCI 245901160"})
    for r in lignes:
        for forme in (r["nom"], r["code_insee"], *filter(None, r.get("alias", "").split(";"))):
            ref.cles[cle_nom(forme)] = r["nom"]
    return ref


def _qpv_2015(chemin: Path, communes: Referentiel) -> Referentiel:
    lignes = lire_csv(chemin)
    ref = Referentiel("qpv_2015", [r["nom_qpv"] for r in lignes], details=lignes,
                      source={"document": "PROT2019", "section": "taux d'emploi des QPV"})
    for r in lignes:
        nom = r["nom_qpv"]
        ref.cles[cle_nom(nom)] = nom
        court = re.sub(r"\s*\(.*\)\s*$", "", nom)
        if court != nom:  # « Centre-Ville (Quiévrechain) » : « Centre-Ville » vaut avec sa commune
            for commune in r["communes"].split(";"):
                ref.qualifiees[(cle_nom(court), cle_nom(communes.officiel(commune) or commune))] = nom
    return ref


def _qpv_2024(chemin: Path) -> Referentiel:
    lignes = [r for r in lire_csv(chemin) if r["dans_cavm"] == "oui"]
    ref = Referentiel("qpv_2024", [r["code_qp"] for r in lignes], details=lignes,
                      source={"document": "décret 2023-1314", "section": "QPV de Valenciennes Métropole"})
    for r in lignes:
        ref.cles[cle_nom(r["code_qp"])] = r["code_qp"]
        for commune in r["communes_cavm"].split(";"):
            ref.qualifiees[(cle_nom(r["nom_qp"]), cle_nom(commune))] = r["code_qp"]
        if not any(x["nom_qp"] == r["nom_qp"] and x is not r for x in lignes):
            ref.cles[cle_nom(r["nom_qp"])] = r["code_qp"]
    return ref


def _correspondances(ref2015: Referentiel, ref2024: Referentiel, communes: Referentiel) -> None:
    """Ce que devient chaque QPV 2015 en 2024 : le QPV 2024 de même nom, ou dont le nom commence
    par le sien (« La Pépinière » → « La Pépinière-De Gaulle »), dans une de ses communes ;
    sinon, aucune correspondance connue. Le nom 2015 encore valable en 2024 n'est pas un ancien."""
    for r in ref2015.details:
        nom = r["nom_qpv"]
        court = cle_nom(re.sub(r"\s*\(.*\)\s*$", "", nom))
        siennes = {cle_nom(communes.officiel(c) or c) for c in r["communes"].split(";")}
        candidats = [q for q in ref2024.details
                     if siennes & {cle_nom(c) for c in q["communes_cavm"].split(";")}
                     and (cle_nom(q["nom_qp"]) == court or cle_nom(q["nom_qp"]).startswith(court + " "))]
        if cle_nom(nom) in ref2024.cles:
            continue
        texte = (f"« {nom} » → {candidats[0]['code_qp']} ({candidats[0]['nom_qp']})" if len(candidats) == 1
                 else f"« {nom} » → pas de correspondance connue (choisissez parmi les QPV 2024 de "
                 f"{', '.join(sorted(r['communes'].split(';')))})")
        ref2024.anciens[cle_nom(nom)] = texte
    ref2024.note_anciens = (
        "Ce sont des noms de la géographie prioritaire 2015 : depuis le 1er janvier 2024 (décret "
        "2023-1314), les quartiers prioritaires sont ceux de la nouvelle géographie, désignés par "
        "leur code QN (ou leur nouveau nom) : ")


@dataclass
class Referentiels:
    tous: dict[str, Referentiel] = field(default_factory=dict)

    def __getitem__(self, nom: str) -> Referentiel:
        return self.tous[nom]

    def __contains__(self, nom: str) -> bool:
        return nom in self.tous

    def ajouter_listes(self, chemin: Path) -> None:
        donnees = lire_yaml(chemin) or {}
        if not isinstance(donnees, dict):
            raise RegleInvalide(str(chemin), "un fichier de listes est un dictionnaire nom → {valeurs: [...]}")
        for nom, d in donnees.items():
            if not isinstance(d, dict) or not isinstance(d.get("valeurs"), list):
                raise RegleInvalide(str(chemin), f"la liste « {nom} » doit avoir des « valeurs » (une liste)")
            if nom in self.tous:
                raise RegleInvalide(str(chemin), f"la liste « {nom} » est déjà définie")
            self.tous[nom] = _depuis_valeurs(nom, d["valeurs"], d.get("source") or {})

    def etendre(self, nom: str, valeurs: list[Any], chemin: str) -> None:
        """Ajoute des valeurs à une liste existante (un partenaire ajoute un dispositif, etc.)."""
        if nom not in self.tous:
            raise RegleInvalide(chemin, f"liste « {nom} » inconnue : impossible de l'étendre")
        ajout = _depuis_valeurs(nom, valeurs, {})
        ref = self.tous[nom]
        ref.valeurs += [v for v in ajout.valeurs if v not in ref.valeurs]
        ref.details += ajout.details
        ref.cles.update(ajout.cles)


def referentiels_socle(datees: Mapping[str, tuple[list[Any], dict[str, Any]]] | None = None) -> Referentiels:
    """Les listes du tableau (``referentiels/listes.yaml``), communes, QPV 2015 et 2024, et les
    listes datées données (nom -> (valeurs, source)). Les listes d'un millésime s'obtiennent par
    :func:`cdv_regles.parametres.referentiels_du_millesime`, seul accès pour qui vérifie."""
    dossier = dossier_regles() / "referentiels"
    refs = Referentiels()
    refs.ajouter_listes(dossier / "listes.yaml")
    for nom, (valeurs, source) in (datees or {}).items():
        if nom in refs.tous:
            raise RegleInvalide(str(dossier / "listes.yaml"), f"la liste « {nom} » est aussi une liste datée "
                                "(paramètre de type referentiel) : gardez-en une seule")
        refs.tous[nom] = _depuis_valeurs(nom, valeurs, source)
    communes = _communes(dossier / "communes.csv")
    refs.tous["communes"] = communes
    refs.tous["qpv_2015"] = _qpv_2015(dossier / "qpv_2015.csv", communes)
    refs.tous["qpv_2024"] = _qpv_2024(dossier / "qpv_2024.csv")
    _correspondances(refs.tous["qpv_2015"], refs.tous["qpv_2024"], communes)
    return refs

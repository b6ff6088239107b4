"""Tableaux de programmation synthétiques pour les mesures : xlsx (openpyxl write_only) et CSV.

Chaque dossier part du dossier type du millésime (``regles/<AAAA>/exemples/dossier-type.yaml``,
un dossier en règle) avec un numéro, un porteur et un SIRET propres. Environ 30 % des dossiers
reçoivent une ou deux fautes tirées des exemples « invalides » des règles chargées : ce sont
des fautes réelles, que les règles doivent trouver (pièces manquantes, échéances dépassées,
budget déséquilibré, cellules illisibles…). Le tirage est déterministe (graine fixe).

Le classeur porte des valeurs typées comme après une saisie dans Excel (montants en nombres,
dates en dates) ; le CSV est écrit comme un export Excel français : point-virgule, Windows-1252,
montants « 20 000,00 € » (espace insécable) et dates JJ/MM/AAAA.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Part des dossiers qui reçoivent au moins une faute.
PART_FAUTIFS = 0.30
GRAINE = 20230301
#: Monter ce numéro quand la génération change : les fichiers en cache sont refaits.
VERSION = 1

_NOMS = ("Les Amis du Faubourg", "Sport Ensemble", "Maison de Quartier Chasse Royale",
         "Atelier Théâtre Épinette", "Réussite Éducative Dutemple", "Jardins Partagés",
         "Numérique Pour Tous", "Femmes Relais", "Centre Social Saint-Waast", "Insertion & Emploi")
_OBSERVATIONS = ("", "", "", "Dossier complété le 28/11 ; voir mail du porteur",
                 "Bilan « intermédiaire » attendu", "RAS", "Co-financement CAF à confirmer")


@dataclass(frozen=True)
class Modele:
    """Ce qu'il faut savoir du contrat de colonnes pour écrire un tableau."""

    entetes: list[str]
    ids: list[str]
    types: list[str]
    base: dict[str, Any]
    fautes: list[dict[str, Any]]
    millesime: int


def modele(millesime: int = 2023) -> Modele:
    """Colonnes, dossier type et fautes (exemples invalides à une ligne) du catalogue chargé."""
    from cdv_regles.exemples import CLES_SPECIALES, dossier_type
    from cdv_regles.verification import preparer

    _, catalogue = preparer(millesime)
    _, base = dossier_type(millesime)
    vues: set[str] = set()
    fautes: list[dict[str, Any]] = []
    connues = {c.id for c in catalogue.colonnes}
    for regle in catalogue.regles:
        for exemple in regle.exemples.get("invalides", []):
            if not isinstance(exemple, dict) or set(exemple) & CLES_SPECIALES or set(exemple) - connues:
                continue
            cle = repr(sorted(exemple.items(), key=lambda kv: kv[0]))
            if cle not in vues:
                vues.add(cle)
                fautes.append(dict(exemple))
    colonnes = list(catalogue.colonnes)
    return Modele([c.entete for c in colonnes], [c.id for c in colonnes], [c.type for c in colonnes],
                  dict(base), fautes, catalogue.millesime)


def _siret(n: int) -> str:
    """Un SIRET à clé de Luhn valide, différent pour chaque ``n``."""
    debut = f"{(123456789 + 7919 * n) % 10**9:09d}{n % 10000:04d}"
    for cle in "0123456789":
        total = 0
        for i, c in enumerate(reversed(debut + cle)):
            k = int(c) * (2 if i % 2 else 1)
            total += k - 9 if k > 9 else k
        if total % 10 == 0:
            return debut + cle
    raise AssertionError("une clé de Luhn existe toujours")


def dossiers(m: Modele, nombre: int, graine: int = GRAINE) -> list[dict[str, Any]]:
    """``nombre`` dossiers (valeurs « comme écrites » du dossier type), ~30 % avec des fautes."""
    alea = random.Random(graine)
    resultat = []
    for i in range(nombre):
        d = dict(m.base)
        d["numero_dossier"] = f"{m.millesime}-{i + 1:05d}"
        d["porteur"] = f"{_NOMS[i % len(_NOMS)]} {i // len(_NOMS) + 1}"
        d["siret"] = _siret(i)
        d["rna"] = f"W59{i % 10**7:07d}"
        d["intitule"] = f"Action {i + 1} — {alea.choice(('sport', 'santé', 'emploi', 'culture'))}"
        observation = alea.choice(_OBSERVATIONS)
        if observation:
            d["observations"] = observation
        if alea.random() < PART_FAUTIFS and m.fautes:
            for faute in alea.sample(m.fautes, k=min(len(m.fautes), alea.choice((1, 1, 2)))):
                d.update(faute)
        resultat.append(d)
    return resultat


# --- valeurs typées (classeur) ou texte d'export (CSV) ---------------------------------------

def _nombre(v: str) -> float | None:
    try:
        return float(v.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _date(v: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(v, "%d/%m/%Y").date()
    except ValueError:
        return None


def valeur_cellule(v: Any, type_: str) -> Any:
    """La valeur telle qu'Excel la stocke après saisie (nombre, date) ; un texte illisible reste texte."""
    if v is None or not isinstance(v, str):
        return v
    if type_ == "montant":
        n = _nombre(v)
        return v if n is None else n
    if type_ == "date":
        d = _date(v)
        return v if d is None else d
    if type_ in ("entier", "marqueur") and v.strip().isdigit():
        return int(v)
    return v


def texte_csv(v: Any, type_: str) -> str:
    """La valeur telle qu'un export CSV d'Excel (français) l'écrit."""
    v = valeur_cellule(v, type_)
    if v is None:
        return ""
    if type_ == "montant" and isinstance(v, float):
        return f"{v:,.2f}".replace(",", "\u00a0").replace(".", ",") + " €"
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def ecrire_xlsx(chemin: Path, m: Modele, lignes: list[dict[str, Any]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Programmation")
    ws.append(m.entetes)
    for d in lignes:
        ws.append([valeur_cellule(d.get(i), t) for i, t in zip(m.ids, m.types, strict=True)])
    wb.save(chemin)


def ecrire_csv(chemin: Path, m: Modele, lignes: list[dict[str, Any]]) -> None:
    with open(chemin, "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(m.entetes)
        for d in lignes:
            w.writerow([texte_csv(d.get(i), t) for i, t in zip(m.ids, m.types, strict=True)])


def tableaux(dossier: Path, tailles: list[int], m: Modele | None = None) -> dict[tuple[int, str], Path]:
    """Écrit (ou reprend s'ils existent) les tableaux ``{(taille, "xlsx"|"csv"): chemin}``."""
    dossier.mkdir(parents=True, exist_ok=True)
    chemins: dict[tuple[int, str], Path] = {}
    for n in tailles:
        a_faire = {}
        for fmt, ecrire in (("xlsx", ecrire_xlsx), ("csv", ecrire_csv)):
            chemin = dossier / f"programmation-{n}-v{VERSION}.{fmt}"
            chemins[n, fmt] = chemin
            if not chemin.exists():
                a_faire[chemin] = ecrire
        if a_faire:
            m = m or modele()
            lignes = dossiers(m, n)
            for chemin, ecrire in a_faire.items():
                provisoire = chemin.with_suffix(".tmp" + chemin.suffix)
                ecrire(provisoire, m, lignes)
                provisoire.replace(chemin)
    return chemins


def schema_frictionless(m: Modele) -> dict[str, Any]:
    """Schéma Table Schema qui ne contrôle que les types, avec les conventions du CSV écrit."""
    champs = []
    for entete, type_ in zip(m.entetes, m.types, strict=True):
        champ: dict[str, Any] = {"name": entete, "type": "string"}
        if type_ == "montant":
            champ.update(type="number", decimalChar=",", groupChar="\u00a0", bareNumber=False)
        elif type_ == "date":
            champ.update(type="date", format="%d/%m/%Y")
        elif type_ in ("entier", "marqueur"):
            champ.update(type="integer")
        elif type_ == "booleen":
            champ.update(type="boolean", trueValues=["Oui"], falseValues=["Non"])
        champs.append(champ)
    return {"fields": champs, "missingValues": [""]}

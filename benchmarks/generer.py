"""Tableaux de programmation synthétiques pour les mesures : xlsx (openpyxl write_only) et CSV.

Chaque dossier part du dossier type du millésime (``regles/<AAAA>/exemples/dossier-type.yaml``,
un dossier en règle) avec un numéro, un porteur et un SIRET propres. Environ 30 % des dossiers
reçoivent une ou deux fautes tirées des exemples « invalides » des règles chargées : ce sont
des fautes réelles, que les règles doivent trouver (pièces manquantes, échéances dépassées,
budget déséquilibré, cellules illisibles…). Le tirage est déterministe (graine fixe).

Le classeur porte des valeurs typées comme après une saisie dans Excel (montants en nombres,
dates en dates) ; il est écrit par openpyxl (write_only, textes dans les cellules) et, pour les
grands tableaux, aussi comme Excel (chaînes partagées, XlsxWriter). Le CSV est écrit comme un
export Excel français : point-virgule, Windows-1252, montants « 20 000,00 € » (espace
insécable) et dates JJ/MM/AAAA.
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
    requis: list[str]  # O (obligatoire), C (conditionnel) ou F (facultatif)
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
                  [c.requis for c in colonnes], dict(base), fautes, catalogue.millesime)


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


def ecrire_xlsx_partage(chemin: Path, m: Modele, lignes: list[dict[str, Any]]) -> None:
    """Comme Excel : textes dans la table des chaînes partagées, dates avec un format de date.

    openpyxl en mode write_only écrit chaque texte dans sa cellule (« inlineStr ») : le XML de la
    feuille est alors deux fois plus gros que celui d'Excel, et plus long à lire. Ce second
    classeur mesure le cas d'un fichier enregistré par Excel.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(chemin))  # pas constant_memory : il écrit aussi en « inlineStr »
    ws = wb.add_worksheet("Programmation")
    format_date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, m.entetes)
    for r, d in enumerate(lignes, start=1):
        for c, (i, t) in enumerate(zip(m.ids, m.types, strict=True)):
            x = valeur_cellule(d.get(i), t)
            if x is None:
                continue
            if isinstance(x, dt.date):
                ws.write_datetime(r, c, dt.datetime(x.year, x.month, x.day), format_date)
            else:
                ws.write(r, c, x)
    wb.close()


def ecrire_csv(chemin: Path, m: Modele, lignes: list[dict[str, Any]]) -> None:
    with open(chemin, "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(m.entetes)
        for d in lignes:
            w.writerow([texte_csv(d.get(i), t) for i, t in zip(m.ids, m.types, strict=True)])


ECRIVAINS = {"xlsx": ecrire_xlsx, "partage.xlsx": ecrire_xlsx_partage, "csv": ecrire_csv}


def empreinte(m: Modele) -> str:
    """Empreinte de ce qui fait le tableau (colonnes, dossier type, fautes tirées des règles) : les
    fichiers gardés d'un lancement à l'autre sont refaits quand les règles changent, et tous les
    fichiers d'une mesure portent les mêmes dossiers."""
    import hashlib
    import json

    contenu = json.dumps([VERSION, GRAINE, PART_FAUTIFS, m.entetes, m.types, m.base, m.fautes],
                         sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(contenu.encode()).hexdigest()[:8]


def tableaux(dossier: Path, demandes: list[tuple[int, str]], m: Modele | None = None,
             ) -> dict[tuple[int, str], Path]:
    """Écrit (ou reprend s'ils existent) les tableaux demandés ``(taille, format)`` ; format :
    « xlsx » (openpyxl write_only), « partage.xlsx » (comme Excel) ou « csv »."""
    dossier.mkdir(parents=True, exist_ok=True)
    m = m or modele()
    marque = empreinte(m)
    chemins: dict[tuple[int, str], Path] = {}
    a_faire: dict[int, dict[Path, Any]] = {}
    for n, fmt in demandes:
        chemin = dossier / f"programmation-{n}-{marque}.{fmt}"
        chemins[n, fmt] = chemin
        if not chemin.exists():
            a_faire.setdefault(n, {})[chemin] = ECRIVAINS[fmt]
    gardes = set(chemins.values())
    for n, fmt in demandes:
        for ancien in dossier.glob(f"programmation-{n}-*.{fmt}"):
            if ancien not in gardes:
                ancien.unlink()  # même tableau, d'une version précédente des règles
    for n, ecrits in a_faire.items():
        lignes = dossiers(m, n)
        for chemin, ecrire in ecrits.items():
            provisoire = chemin.with_name(".tmp-" + chemin.name)
            ecrire(provisoire, m, lignes)
            provisoire.replace(chemin)
    return chemins


#: Le schéma Table Schema committé, que ``mesurer.py`` donne à frictionless (millésime 2023).
SCHEMA = Path(__file__).resolve().parent / "schema-frictionless.json"

# Formats que le contrat de colonnes impose aux identifiants, écrits comme le lit cdv-regles
# (frictionless ancre le motif : « ^motif$ »). SIRET : 14 chiffres ASCII, espaces et points de
# présentation admis n'importe où (valeurs.normaliser_siret) ; la clé de Luhn est une règle, pas
# un format. RNA : « W » (ou « w ») et 9 chiffres, espaces admis (valeurs.lire_rna). Orientation :
# un numéro, éventuellement précédé de « Orientation » et suivi d'un tiret et du libellé
# (types_colonnes.lire_orientation). tests/test_banc_frictionless.py compare ces motifs aux
# lecteurs de cdv-regles.
_ESPACES_SIRET = " .\u00a0\u202f\u2009\t"
MOTIFS = {
    "siret": f"[{_ESPACES_SIRET}]*(?:[0-9][{_ESPACES_SIRET}]*){{14}}",
    "rna": "[ \u00a0\u202f\u2009\t]*[Ww](?:[ \u00a0\u202f\u2009\t]*[0-9]){9}[ \u00a0\u202f\u2009\t]*",
    "orientation": "(?is:\\s*(?:orientation\\s*)?[0-9]{1,6}\\s*(?:[-\u2013\u2014:.)]\\s*.*)?)",
}

# Réponses Oui/Non comme on les tape (cdv-regles en admet d'autres, et ignore casse et accents) ;
# « Sans objet » est une réponse sans Oui ni Non : une case sans valeur pour frictionless.
VRAI = ("Oui", "oui", "OUI", "X", "x")
FAUX = ("Non", "non", "NON")
SANS_OBJET = ("Sans objet", "sans objet", "SO", "S/O", "N/A", "NA", "-")


def schema_frictionless(m: Modele) -> dict[str, Any]:
    """Le schéma Table Schema du tableau, déduit du contrat de colonnes, aux conventions du CSV écrit.

    Types (nombres à virgule décimale et espace insécable de milliers, « € » autour admis ; dates
    JJ/MM/AAAA ; Oui/Non et « X », « Sans objet » valant une case sans réponse ; entiers), ``required`` sur
    les colonnes obligatoires (O) du contrat, ``unique`` sur le numéro de dossier, ``pattern`` sur
    les identifiants (voir :data:`MOTIFS`). Les listes (choix, communes) restent des textes : leurs
    valeurs admises dépendent des référentiels du millésime, que cdv-regles compare sans casse ni
    accents. Écrit dans :data:`SCHEMA` par ``python benchmarks/generer.py --schema``.
    """
    champs = []
    for entete, id_, type_, requis in zip(m.entetes, m.ids, m.types, m.requis, strict=True):
        champ: dict[str, Any] = {"name": entete, "type": "string"}
        if type_ == "montant":
            champ.update(type="number", decimalChar=",", groupChar="\u00a0", bareNumber=False)
        elif type_ == "date":
            champ.update(type="date", format="%d/%m/%Y")
        elif type_ in ("entier", "marqueur"):
            champ.update(type="integer")
        elif type_ == "booleen":
            champ.update(type="boolean", trueValues=list(VRAI), falseValues=list(FAUX),
                         missingValues=["", *SANS_OBJET])
        contraintes: dict[str, Any] = {}
        if requis == "O":
            contraintes["required"] = True
        if id_ == "numero_dossier":
            contraintes["unique"] = True
        if type_ in MOTIFS:
            contraintes["pattern"] = MOTIFS[type_]
        if contraintes:
            champ["constraints"] = contraintes
        champs.append(champ)
    return {"title": f"Tableau de programmation {m.millesime} (banc d'essai de cdv-regles)",
            "description": "Déduit de regles/colonnes.yaml par benchmarks/generer.py --schema : "
                           "ne pas modifier à la main.",
            "fields": champs, "missingValues": [""]}


def texte_schema(m: Modele) -> str:
    """Le schéma tel qu'il est committé (JSON indenté ; espaces invisibles écrites « \\u00a0 »)."""
    import json

    texte = json.dumps(schema_frictionless(m), ensure_ascii=False, indent=2) + "\n"
    for c in "\u00a0\u202f\u2009":
        texte = texte.replace(c, f"\\u{ord(c):04x}")
    return texte


def main(arguments: list[str] | None = None) -> int:
    import argparse

    parseur = argparse.ArgumentParser(description="Tableaux synthétiques et schéma frictionless du banc d'essai.")
    parseur.add_argument("--schema", action="store_true",
                         help=f"réécrit {SCHEMA.name} d'après le contrat de colonnes (millésime 2023)")
    options = parseur.parse_args(arguments)
    if not options.schema:
        parseur.print_help()
        return 0
    SCHEMA.write_text(texte_schema(modele()), encoding="utf-8")
    print(f"Écrit : {SCHEMA}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())

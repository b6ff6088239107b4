"""Les exemples des règles, exécutés comme des tests (à la manière des tests YAML d'OpenFisca).

Chaque règle porte ``exemples: {valides: [...], invalides: [...]}``. Un exemple est un dossier
partiel posé sur le dossier type (``regles/exemples/dossier-type.yaml``), écrit pour un millésime
et décalé d'autant d'années pour les autres (``exemple_pour``) :

    {piece_cerfa: "Non"}                                  # une ligne, une colonne changée
    {date_reference: "2022-11-30", date_dossier_definitif: null}
    {lignes: [{numero_dossier: "A"}, {numero_dossier: "A"}]}   # plusieurs dossiers
    {parametres: {enveloppe_region: 3000}, lignes: [...]}      # paramètres imposés
    {colonnes_absentes: [rna]}                            # colonne retirée du tableau
    {colonnes_en_plus: {"Référent interne": "Mme X"}}     # colonne ajoutée
    {message_contient: "après la date limite", piece_cerfa: "Non"}
    {ligne_apres_vide: true}                              # données après une ligne vide
    {ligne_hors_tableau: true}                            # données sous un Tableau Excel, hors de lui
    {ligne_total: true}                                   # une ligne « TOTAL » sous le dossier
    {millesimes: "2024-", qpv: "QN05935M"}                # pour ces millésimes seulement

Un exemple valide ne doit produire aucun constat de la règle ; un exemple invalide au moins un.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from cdv_regles.catalogue import Catalogue
from cdv_regles.chemins import dossier_regles
from cdv_regles.constats import Constat
from cdv_regles.contrat import index_entetes
from cdv_regles.donnees import lire_yaml
from cdv_regles.greffons import Greffons
from cdv_regles.lecture import TableBrute
from cdv_regles.lecture.table import colonnes_de
from cdv_regles.lecture.totaux import separer
from cdv_regles.regle import Regle

CLES_SPECIALES = {"lignes", "date_reference", "parametres", "colonnes_absentes", "colonnes_en_plus",
                  "message_contient", "ligne_apres_vide", "ligne_hors_tableau", "ligne_total",
                  "millesimes"}
_DATE_FR = re.compile(r"\b([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\b")
_DATE_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


@cache
def _fichier_dossier_type() -> dict[str, Any]:
    return lire_yaml(dossier_regles() / "exemples" / "dossier-type.yaml")


@cache
def dossier_type(millesime: int) -> tuple[dt.date, dict[str, Any]]:
    """Le dossier type (en règle) et la date de référence par défaut des exemples, pour ``millesime``.

    Le fichier est écrit pour un millésime (clé ``millesime``) ; pour un autre, ses dates sont
    décalées d'autant d'années, et ``par_millesime`` (périodes comme les paramètres : « 2024- »)
    remplace les valeurs qui changent (la géographie prioritaire 2024, p. ex.)."""
    donnees = _fichier_dossier_type()
    ecart = millesime - int(donnees.get("millesime", millesime))
    dossier = dict(donnees["dossier"])
    for periode, valeurs in (donnees.get("par_millesime") or {}).items():
        if periode_couvre(str(periode), millesime):
            dossier.update(valeurs)
    return decaler(donnees["date_reference"], ecart), decaler(dossier, ecart)


def ecart_exemples(millesime: int) -> int:
    """Le nombre d'années dont on décale les dates des exemples pour ``millesime``."""
    return millesime - int(_fichier_dossier_type().get("millesime", millesime))


def periode_couvre(periode: str, millesime: int) -> bool:
    """« 2023 », « 2015-2023 » ou « 2024- » couvre-t-elle ``millesime`` ?"""
    from cdv_regles.parametres import lire_periode

    bornes = lire_periode(periode)
    if bornes is None:
        raise ValueError(f"période « {periode} » : écrivez 2023, 2015-2023 ou 2024-")
    debut, fin = bornes
    return debut <= millesime and (fin is None or millesime <= fin)


def _annees(d: dt.date, ecart: int) -> dt.date:
    try:
        return d.replace(year=d.year + ecart)
    except ValueError:  # 29 février
        return d.replace(year=d.year + ecart, day=28)


def decaler(valeur: Any, ecart: int) -> Any:
    """Décale de ``ecart`` années toutes les dates d'un exemple (dates, JJ/MM/AAAA, AAAA-MM-JJ)."""
    if not ecart:
        return valeur
    if isinstance(valeur, dt.date) and not isinstance(valeur, dt.datetime):
        return _annees(valeur, ecart)
    if isinstance(valeur, str):
        if m := _DATE_ISO.match(valeur):
            try:
                return _annees(dt.date(int(m[1]), int(m[2]), int(m[3])), ecart).isoformat()
            except ValueError:
                return valeur
        return _DATE_FR.sub(lambda m: f"{m[1]}/{m[2]}/{int(m[3]) + ecart}", valeur)
    if isinstance(valeur, list):
        return [decaler(v, ecart) for v in valeur]
    if isinstance(valeur, dict):
        return {k: decaler(v, ecart) for k, v in valeur.items()}
    return valeur


def exemple_pour(exemple: dict[str, Any], millesime: int) -> dict[str, Any] | None:
    """L'exemple tel qu'il s'écrit pour ``millesime`` (dates décalées), ou None si sa clé
    ``millesimes`` l'en exclut."""
    periode = exemple.get("millesimes")
    if periode is not None and not periode_couvre(str(periode), millesime):
        return None
    ecart = ecart_exemples(millesime)
    decale = decaler(exemple, ecart)
    if ecart and isinstance(decale.get("message_contient"), str):
        # Le texte attendu nomme les années de l'exemple (« millésime 2023 ») : elles suivent.
        decale["message_contient"] = re.sub(r"\b(20[0-9][0-9])\b", lambda m: str(int(m[1]) + ecart),
                                            exemple["message_contient"])
    return decale


def table_exemple(exemple: dict[str, Any], catalogue: Catalogue) -> TableBrute:
    _, base = dossier_type(catalogue.millesime)
    lignes = exemple.get("lignes") or [{k: v for k, v in exemple.items() if k not in CLES_SPECIALES}]
    absentes = set(exemple.get("colonnes_absentes", []))
    colonnes = [c for c in catalogue.colonnes if c.id not in absentes]
    en_plus = dict(exemple.get("colonnes_en_plus", {}))
    entetes = [c.entete for c in colonnes] + list(en_plus)
    donnees = []
    for i, partielle in enumerate(lignes):
        inconnues = set(partielle) - {c.id for c in catalogue.colonnes}
        if inconnues:
            raise ValueError(f"colonnes inconnues dans l'exemple : {', '.join(sorted(inconnues))}")
        ligne = {**base, **({"numero_dossier": f"{base['numero_dossier']}-{i + 1}"} if len(lignes) > 1 else {}),
                 **partielle}
        donnees.append([_brut(ligne.get(c.id)) for c in colonnes] + list(en_plus.values()))
    # « ligne_apres_vide: true » : des données traînent après une ligne vide, hors du tableau.
    # « ligne_hors_tableau: true » : de même, sous un Tableau Excel qui s'arrête avant elles.
    ignoree = len(donnees) + 3 if exemple.get("ligne_apres_vide") else None
    if exemple.get("ligne_hors_tableau"):
        ignoree = len(donnees) + 2
    numeros = list(range(2, len(donnees) + 2))
    totaux: list[tuple[int, str]] = []
    if exemple.get("ligne_total"):  # reconnue par la lecture, comme dans un vrai classeur
        somme = [sum(r[j] for r in donnees) if c.type == "montant" and all(
            isinstance(r[j], int | float) for r in donnees) else None for j, c in enumerate(colonnes)]
        donnees.append(["TOTAL"] + somme[1:] + [None] * len(en_plus))
        numeros.append(len(donnees) + 1)
        colonnes_lues, numeros, totaux = separer(entetes, colonnes_de(donnees, len(entetes)), numeros,
                                                 index_entetes(catalogue.colonnes))
    else:
        colonnes_lues = colonnes_de(donnees, len(entetes))
    return TableBrute(chemin="exemple", feuille="Programmation", entetes=entetes,
                      colonnes_excel=list(range(len(entetes))), colonnes=colonnes_lues,
                      numeros=numeros, ligne_entete=1,
                      ligne_donnees_ignorees=ignoree, totaux=totaux,
                      ignorees_sous_tableau=bool(exemple.get("ligne_hors_tableau")))


def _brut(v: Any) -> Any:
    # Les dates YAML (2023-01-01) arrivent comme le ferait une date Excel.
    return v


def preparer_exemple(exemple: dict[str, Any], catalogue: Catalogue) -> tuple[TableBrute, Catalogue, dt.date]:
    """Ce qu'il faut pour vérifier un exemple : sa table, le catalogue avec ses paramètres
    surchargés, sa date de référence (celle du dossier type par défaut)."""
    date_defaut, _ = dossier_type(catalogue.millesime)
    date_ref = exemple.get("date_reference", date_defaut)
    if isinstance(date_ref, str):
        date_ref = dt.date.fromisoformat(date_ref)
    surcharges = dict(exemple.get("parametres", {}))
    cat = replace(catalogue, surcharges=surcharges) if surcharges else catalogue
    return table_exemple(exemple, cat), cat, date_ref


def executer(regle: Regle, exemple: dict[str, Any], greffons: Greffons,
             catalogue: Catalogue) -> list[Constat]:
    """Les constats de ``regle`` sur l'exemple."""
    from cdv_regles.verification import verifier_avec

    table, cat, date_ref = preparer_exemple(exemple, catalogue)
    resultat = verifier_avec(table, greffons, cat, date_ref)
    return [c for c in resultat.constats if c.regle == regle.id]


def regles_du_fichier(catalogue: Catalogue, chemin: Path) -> list[Regle]:
    """Les règles d'un fichier, une seule fois pour les règles « pour_chaque » dépliées."""
    vues: dict[str, Regle] = {}
    for r in catalogue.regles:
        if Path(r.chemin).resolve() == chemin.resolve() and r.id not in vues:
            vues[r.id] = r
    return list(vues.values())


__all__ = ["decaler", "dossier_type", "executer", "exemple_pour", "regles_du_fichier", "table_exemple"]

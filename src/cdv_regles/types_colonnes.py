"""Les types de colonnes du tableau : chacun déclaré ici, une seule fois, avec tout ce qui en dépend.

Un type dit comment lire une cellule (``lecteur``), son type polars dans le tableau typé
(``polars`` : moteur et schéma pandera), comment montrer une valeur (``affichage`` : une sorte
de :mod:`cdv_regles.affichage`), et ce que le classeur partagé en fait : format de nombre Excel,
largeur et alignement de colonne, liste déroulante (``liste`` : une sorte de
:mod:`cdv_regles.classeur.listes`), validation de données hors liste et message d'aide.

Ajouter un type de colonne, c'est ajouter une entrée ici (ou appeler :func:`enregistrer`) : la
conversion, le moteur, le schéma, le classeur, ``texte-git`` et les messages le lisent.

Le module n'importe ni polars ni xlsxwriter : ``texte-git`` et le bouton « Vérifier » l'importent
à chaque appel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdv_regles import valeurs as v

if TYPE_CHECKING:
    from cdv_regles.contrat import Colonne
    from cdv_regles.referentiels import Referentiels

Lecteur = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class TypeColonne:
    """Tout ce qu'un type de colonne détermine. Voir le module."""

    nom: str
    #: (colonne, référentiels) -> fonction qui lit une cellule (lève ``ValeurIllisible``).
    lecteur: Callable[[Colonne, Referentiels], Lecteur]
    #: Type polars : « String », « Boolean », « Float64 », « Date », « Int64 » ou « List(String) ».
    polars: str
    #: Sorte d'affichage (:func:`cdv_regles.affichage.valeur`).
    affichage: str
    #: Aide montrée à la saisie dans le classeur (validation de données).
    aide: str
    largeur: int = 16
    format_excel: str | None = None
    alignement: str | None = None
    #: Liste déroulante du classeur (sorte de ``classeur.listes``), ou None.
    liste: str | None = None
    #: Validation de données Excel hors liste : (colonne, millésime) -> réglages XlsxWriter.
    validation: Callable[[Colonne, int], dict[str, Any]] | None = None
    #: Lit d'un coup une liste de textes distincts, exactement comme ``lecteur`` chacun (pour
    #: un type dont le lecteur ne dépend pas de la colonne et ne lève jamais), ou None.
    lecteur_textes: Callable[[list[str]], list[Any]] | None = None

    def sorte_valeur(self) -> str | None:
        """La sorte de ses valeurs pour comparer (« texte », « nombre », « date », « booléen ») ;
        None pour une liste."""
        return _SORTES_POLARS.get(self.polars)

    def dtype(self) -> Any:
        """Le type polars (polars est importé seulement ici)."""
        import polars as pl

        if self.polars.startswith("List(") and self.polars.endswith(")"):
            return pl.List(getattr(pl, self.polars[5:-1])())
        return getattr(pl, self.polars)()


_SORTES_POLARS = {"String": "texte", "Float64": "nombre", "Int64": "nombre", "Date": "date", "Boolean": "booléen"}

TYPES: dict[str, TypeColonne] = {}


def enregistrer(t: TypeColonne) -> TypeColonne:
    """Déclare un type de colonne (un nom déjà pris est une erreur de programmation)."""
    if t.nom in TYPES:
        raise ValueError(f"type de colonne « {t.nom} » déjà déclaré")
    TYPES[t.nom] = t
    return t


def type_colonne(nom: str) -> TypeColonne:
    """Le type de ce nom ; ``KeyError`` avec la liste des types connus sinon."""
    try:
        return TYPES[nom]
    except KeyError:
        raise KeyError(f"type de colonne inconnu « {nom} » (types : {', '.join(TYPES)})") from None


def noms_types() -> tuple[str, ...]:
    return tuple(TYPES)


# --- lecteurs --------------------------------------------------------------------------------

def _simple(lire: Lecteur) -> Callable[[Colonne, Referentiels], Lecteur]:
    return lambda _col, _refs: lire


def _choix(col: Colonne, refs: Referentiels) -> Lecteur:
    ref = refs.tous.get(col.referentiel) if col.referentiel else None

    def lire(x: Any) -> Any:
        texte = v.lire_texte(x)
        if texte is None or ref is None:
            return texte
        return ref.officiel(texte) or texte  # une valeur hors liste est signalée par le schéma
    return lire


def _choix_multiple(col: Colonne, refs: Referentiels) -> Lecteur:
    # « Rombies et Marchipont » ou un nom de QPV à virgule restent entiers s'ils sont connus.
    if col.referentiel and col.referentiel in refs.tous:
        listes = [refs.tous[col.referentiel]]
    else:
        listes = list(refs.tous.values())

    def connu(morceau: str) -> bool:
        return any(ref.officiel(morceau) for ref in listes)

    return lambda x: v.lire_liste(x, connu) or None


_ORIENTATION = re.compile(r"^\s*(?:orientation\s*)?([0-9]+)\s*(?:[-–—:.)]\s*.*)?$", re.IGNORECASE | re.DOTALL)


def _numeros(ref: Any) -> str:
    """« de 1 à 6 » (ou « 1, 3 ou 7 ») : les numéros de la liste des orientations du millésime."""
    numeros = sorted({int(d["numero"]) for d in ref.details if str(d.get("numero", "")).isdigit()}) if ref else []
    if not numeros:
        return "écrivez le numéro d'une orientation du Contrat de Ville"
    if numeros == list(range(numeros[0], numeros[-1] + 1)) and len(numeros) > 2:
        return f"écrivez un numéro de {numeros[0]} à {numeros[-1]}"
    debut = ", ".join(map(str, numeros[:-1]))
    return f"écrivez {debut} ou {numeros[-1]}" if debut else f"écrivez {numeros[0]}"


def _orientation(col: Colonne, refs: Referentiels) -> Lecteur:
    """Le lecteur d'orientation, qui cite les numéros de la liste du millésime."""
    attendu = _numeros(refs.tous.get(col.referentiel or "orientations"))
    return lambda x: lire_orientation(x, attendu)


def lire_orientation(x: Any, attendu: str = "écrivez un numéro de 1 à 6") -> int | None:
    """Le numéro d'orientation : 2, « 2 », « 2 - Santé et accès aux soins »…"""
    if v.est_vide(x):
        return None
    if isinstance(x, bool):
        raise v.ValeurIllisible(f"{v.cite(x)} n'est pas une orientation : {attendu}")
    if isinstance(x, int | float):
        if abs(x) < 1e6 and float(x).is_integer():  # NaN et infinis ne passent pas
            return int(x)
        raise v.ValeurIllisible(f"{v.cite(x)} n'est pas une orientation : {attendu}")
    m = _ORIENTATION.match(str(x))
    if not m or len(m[1]) > 6:
        raise v.ValeurIllisible(
            f"{v.cite(x)} n'est pas une orientation : {attendu}, éventuellement suivi "
            "de « - » et de son libellé (p. ex. « 2 - Santé et accès aux soins »)")
    return int(m[1])


# --- validations de données du classeur -------------------------------------------------------

def _validation_montant(_c: Colonne, _m: int) -> dict[str, Any]:
    return {"validate": "decimal", "criteria": ">=", "value": 0,
            "error_message": "Un montant est un nombre positif ou nul, en euros. Continuer quand même ?"}


def _validation_entier(_c: Colonne, _m: int) -> dict[str, Any]:
    return {"validate": "integer", "criteria": ">=", "value": 0,
            "error_message": "Un nombre entier positif ou nul est attendu. Continuer quand même ?"}


def _validation_date(_c: Colonne, m: int) -> dict[str, Any]:
    return {"validate": "date", "criteria": "between", "minimum": dt.date(m - 3, 1, 1),
            "maximum": dt.date(m + 2, 12, 31),
            "error_message": (f"Date attendue au format JJ/MM/AAAA, entre {m - 3} et {m + 2}. "
                              "Continuer quand même ?")}


# --- les types ---------------------------------------------------------------------------------

enregistrer(TypeColonne(
    "texte", _simple(v.lire_texte), "String", "texte", "Texte libre.", largeur=18, format_excel="@",
    lecteur_textes=v.lire_textes))
enregistrer(TypeColonne(
    "siret", _simple(v.lire_siret), "String", "texte",
    "14 chiffres (les espaces et les points de présentation sont admis ; clé de contrôle vérifiée).",
    largeur=17, format_excel="@", lecteur_textes=v.lire_sirets))
enregistrer(TypeColonne(
    "rna", _simple(v.lire_rna), "String", "texte",
    "W suivi de 9 chiffres ; obligatoire pour une association.", largeur=14, format_excel="@",
    lecteur_textes=v.lire_rnas))
enregistrer(TypeColonne(
    "booleen", _simple(v.lire_booleen), "Boolean", "booleen",
    "Oui ou Non (« Sans objet » si la pièce ne s'applique pas).", largeur=12, alignement="center",
    liste="oui_non"))
enregistrer(TypeColonne(
    "montant", _simple(v.lire_montant), "Float64", "montant",
    "Montant en euros (nombre, p. ex. 12500 ou 12500,50).", largeur=16, format_excel='#,##0.00 "€"',
    validation=_validation_montant))
enregistrer(TypeColonne(
    "date", _simple(v.lire_date), "Date", "date", "Date au format JJ/MM/AAAA.", largeur=13,
    format_excel="dd/mm/yyyy", validation=_validation_date))
enregistrer(TypeColonne(
    "entier", _simple(v.lire_entier), "Int64", "entier", "Nombre entier positif ou nul.", largeur=12,
    format_excel="0", validation=_validation_entier))
enregistrer(TypeColonne(
    "marqueur", _simple(v.lire_entier), "Int64", "entier",
    "0, 1 ou 2, déclaré à l'instruction ; doit concorder avec les critères.", largeur=12,
    format_excel="0", alignement="center", liste="marqueur"))
enregistrer(TypeColonne(
    "choix", _choix, "String", "texte", "Choisissez dans la liste.", largeur=22, liste="referentiel"))
enregistrer(TypeColonne(
    "choix_multiple", _choix_multiple, "List(String)", "liste",
    "Choisissez dans la liste ; pour plusieurs valeurs, séparez-les par « ; ».", largeur=28,
    liste="referentiel_ouverte"))
enregistrer(TypeColonne(
    "orientation", _orientation, "Int64", "entier",
    "Choisissez l'orientation du Contrat de Ville dans la liste.", largeur=34, liste="orientations"))

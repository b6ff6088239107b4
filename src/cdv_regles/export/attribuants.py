"""Les financeurs exportés et leur attribuant SCDL, lus dans les données (jamais dans le code).

Les financeurs viennent du référentiel ``financeurs`` (code, clé, nom, colonne du montant) ; le
nom officiel, le SIRET et les conditions de versement de chacun viennent du paramètre daté
``attribuant_<clé>`` (``regles/parametres/attribuants.yaml``). Le SIRET que la personne qui
exporte écrit dans ``cdv-regles.toml`` à côté du tableau l'emporte (``reglages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdv_regles.catalogue import Catalogue
from cdv_regles.erreurs import ErreurCdv
from cdv_regles.referentiels import cle_nom

FICHIER_ATTRIBUANTS = "regles/parametres/attribuants.yaml"
CLES_ATTRIBUANT = frozenset({"nom", "siret", "conditions_versement", "montants_ajoutes"})


@dataclass(frozen=True)
class Financeur:
    """Un financeur du Contrat de Ville et ce qu'en dit l'export SCDL."""

    code: str
    cle: str
    libelle: str                    # nom court du référentiel (« CAF du Nord »)
    colonnes: tuple[str, ...]       # colonne du montant, puis colonnes ajoutées (bonus égalité)
    parametre: str                  # attribuant_<clé>
    nom: str | None                 # nomAttribuant
    siret: str | None               # idAttribuant
    conditions_versement: str
    source_siret: str | None = None  # le fichier de réglages qui a donné le SIRET, s'il y en a un


def financeurs(catalogue: Catalogue, demandes: tuple[str, ...] = ()) -> list[Financeur]:
    """Les financeurs à exporter : tous ceux du référentiel, ou ceux demandés (code ou clé)."""
    ref = catalogue.referentiels.tous.get("financeurs")
    if ref is None or not ref.details:
        raise ErreurCdv(f"la liste « financeurs » n'a pas de valeurs pour le millésime {catalogue.millesime} "
                        "(regles/parametres/listes.yaml ou le fichier du millésime) : impossible de savoir "
                        "quelles colonnes exporter. Renseignez-la, puis relancez.")
    details = list(ref.details)
    if demandes:
        details = _choisir(details, demandes)
    ids_colonnes = {c.id for c in catalogue.colonnes}
    return [_financeur(d, catalogue, ids_colonnes) for d in details]


def _choisir(details: list[dict[str, Any]], demandes: tuple[str, ...]) -> list[dict[str, Any]]:
    par_nom: dict[str, dict[str, Any]] = {}
    for d in details:
        for forme in (d["code"], d["cle"], d["nom"]):
            par_nom[cle_nom(str(forme))] = d
    choisis: list[dict[str, Any]] = []
    inconnus = []
    for demande in demandes:
        d = par_nom.get(cle_nom(demande))
        if d is None:
            inconnus.append(demande)
        elif d not in choisis:
            choisis.append(d)
    if inconnus:
        connus = ", ".join(f"{d['code']} ({d['nom']})" for d in details)
        raise ErreurCdv(f"financeur inconnu : {', '.join(inconnus)}. Financeurs exportables : {connus}.")
    return [d for d in details if d in choisis]  # ordre du référentiel


def _financeur(d: dict[str, Any], catalogue: Catalogue, ids_colonnes: set[str]) -> Financeur:
    nom_parametre = f"attribuant_{d['cle']}"
    parametre = catalogue.parametres.tous.get(nom_parametre)
    valeur = parametre.valeur(catalogue.millesime) if parametre is not None else None
    if valeur is None:
        valeur = {}
    ou = parametre.chemin if parametre is not None else FICHIER_ATTRIBUANTS
    if not isinstance(valeur, dict):
        raise ErreurCdv(f"le paramètre {nom_parametre} ({ou}) doit valoir {{nom: ..., siret: ...}} "
                        f"pour le millésime {catalogue.millesime} ; lu : {valeur!r}.")
    inconnues = set(valeur) - CLES_ATTRIBUANT
    if inconnues:
        raise ErreurCdv(f"clé(s) inconnue(s) dans le paramètre {nom_parametre} ({ou}) : "
                        f"{', '.join(sorted(inconnues))} (attendu : {', '.join(sorted(CLES_ATTRIBUANT))}).")
    ajoutees = valeur.get("montants_ajoutes") or []
    if not isinstance(ajoutees, list) or any(c not in ids_colonnes for c in ajoutees):
        raise ErreurCdv(f"« montants_ajoutes » du paramètre {nom_parametre} ({ou}) doit être une liste "
                        f"d'identifiants de colonnes du contrat ; lu : {ajoutees!r}.")
    siret = valeur.get("siret")
    conditions = valeur.get("conditions_versement") or "unique"
    return Financeur(
        code=str(d["code"]), cle=str(d["cle"]), libelle=str(d["nom"]),
        colonnes=(str(d["colonne"]), *(str(c) for c in ajoutees)), parametre=nom_parametre,
        nom=str(valeur["nom"]).strip() if valeur.get("nom") else None,
        siret=None if siret is None else str(siret).strip(),
        conditions_versement=str(conditions).strip(),
    )

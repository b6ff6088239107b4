"""Tout ce que les greffons apportent pour un millésime : colonnes, listes, paramètres, règles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdv_regles.contexte import Contexte
from cdv_regles.contrat import Colonne, colonnes_du_millesime, colonnes_socle, types_admis
from cdv_regles.erreurs import ErreurCdv, RegleInvalide
from cdv_regles.greffons import Defaut, Greffon, Greffons
from cdv_regles.parametres import Parametres, ajouter_utilisateur, referentiels_du_millesime, verifier_type
from cdv_regles.referentiels import Referentiels
from cdv_regles.regle import Regle, lire_fichier_regles


@dataclass
class Catalogue:
    millesime: int
    colonnes: tuple[Colonne, ...]
    referentiels: Referentiels
    parametres: Parametres
    regles: list[Regle] = field(default_factory=list)
    fichiers: dict[str, list[Path]] = field(default_factory=dict)  # greffon -> fichiers de règles
    # Valeurs imposées (exemples de règles) : nom -> valeur, prioritaires sur les paramètres.
    surcharges: dict[str, Any] = field(default_factory=dict)
    # Règles déjà compilées, par (règle, date de référence, colonnes illisibles, surcharges) :
    # les expressions polars sont immuables, on les réutilise d'une vérification à l'autre.
    compilees: dict[tuple, Any] = field(default_factory=dict, repr=False)
    # Défauts du chargement des greffons et de la construction : connus avant toute exécution.
    defauts: tuple[Defaut, ...] = ()

    def valeurs_parametres(self) -> dict[str, Any]:
        return {**self.parametres.pour(self.millesime), **self.surcharges}

    def contexte(self, date_reference: dt.date) -> Contexte:
        """Ce que voit un greffon pendant une exécution (lecture seule)."""
        return Contexte.creer(self.millesime, date_reference, self.valeurs_parametres(),
                              self.referentiels.tous, {c.id: c.entete for c in self.colonnes})


def charger_parametres(greffons: Greffons) -> Parametres:
    """Les paramètres de tous les greffons, plus les millésimes ouverts dans le dossier de
    l'utilisateur (``<dossier>/<AAAA>/<greffon>.yaml``). Un fichier de greffon refusé devient un
    ``Defaut`` (gardé dans ``parametres.defauts``) ; un fichier mal formé de l'utilisateur est une
    erreur d'entrée (statut 2) : c'est lui qui l'a écrit, pas le greffon."""
    parametres = Parametres()
    defauts: list[Defaut] = []
    for greffon, fichiers in greffons.appeler("cdv_regles_fichiers_parametres", defauts):
        for chemin in _chemins(fichiers, greffon, "cdv_regles_fichiers_parametres", defauts):
            try:
                parametres.ajouter_fichier(Path(chemin), greffon.partenaire)
            except RegleInvalide as e:
                defauts.append(Defaut(greffon.nom, e.message))
    parametres.defauts = defauts
    try:
        ajouter_utilisateur(parametres, {g.nom: g.partenaire for g in greffons.actifs})
    except RegleInvalide as e:
        raise ErreurCdv(e.message) from None
    return parametres


def construire(greffons: Greffons, millesime: int, parametres: Parametres | None = None) -> Catalogue:
    """Rassemble les apports des greffons ; un apport défectueux devient un ``Defaut`` du
    catalogue (qui reprend aussi ceux du chargement des greffons).

    Seules les règles en vigueur pour ``millesime`` (clé ``en_vigueur``) sont retenues."""
    defauts = list(greffons.defauts)
    colonnes = list(colonnes_du_millesime(colonnes_socle(), millesime))
    ids = {c.id for c in colonnes}
    for greffon, ajout in greffons.appeler("cdv_regles_colonnes", defauts):
        for c in _liste(ajout, greffon, "cdv_regles_colonnes", "une liste de colonnes", defauts):
            try:
                col = Colonne(id=c["id"], entete=c["entete"], type=c["type"], requis="F",
                              groupe=c.get("groupe", greffon.nom_partenaire),
                              referentiel=c.get("referentiel"), alias=tuple(c.get("alias", ())),
                              partenaire=greffon.partenaire)
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                defauts.append(Defaut(greffon.nom, f"colonne mal décrite ({e}) : {c!r}"[:300]))
                continue
            if col.id in ids:
                defauts.append(Defaut(greffon.nom, f"la colonne « {col.id} » existe déjà"))
                continue
            if col.type not in types_admis():
                defauts.append(Defaut(
                    greffon.nom, f"la colonne « {col.id} » a un type inconnu « {col.type} » "
                    f"(types : {', '.join(types_admis())})"))
                continue
            ids.add(col.id)
            colonnes.append(col)

    if parametres is None:
        parametres = charger_parametres(greffons)
    # Les listes datées sont celles du millésime (jamais celles d'une autre année).
    refs = referentiels_du_millesime(millesime, parametres)
    for greffon, ajout in greffons.appeler("cdv_regles_referentiels", defauts):
        if not isinstance(ajout, dict):
            defauts.append(Defaut(greffon.nom, "cdv_regles_referentiels doit renvoyer un dictionnaire "
                                  f"{{liste: [valeurs]}}, pas {type(ajout).__name__}"))
            continue
        for nom, valeurs in ajout.items():
            try:
                liste = _liste(valeurs, greffon, "cdv_regles_referentiels", "des listes", defauts)
                datee = parametres.tous.get(str(nom))
                if datee is not None and datee.type == "referentiel" and liste:
                    # les éléments ajoutés ont les champs de la liste (un financeur : code, clé, nom,
                    # colonne, que les règles lisent) ; sinon la faute est au greffon qui les apporte
                    try:
                        verifier_type(greffon.nom, datee, liste)
                    except RegleInvalide as e:
                        defauts.append(Defaut(greffon.nom, f"cdv_regles_referentiels : {e.raison} ; "
                                              "rien n'est ajouté à la liste"))
                        continue
                refs.etendre(str(nom), liste, f"greffon {greffon.nom}")
            except RegleInvalide as e:
                defauts.append(Defaut(greffon.nom, e.message))

    defauts += parametres.defauts

    catalogue = Catalogue(millesime, tuple(colonnes), refs, parametres)
    ensembles = ensembles_pour_chaque(catalogue)
    vus: dict[str, str] = {}
    for greffon, fichiers in greffons.appeler("cdv_regles_fichiers_regles", defauts, millesime=millesime):
        fichiers = _chemins(fichiers, greffon, "cdv_regles_fichiers_regles", defauts)
        catalogue.fichiers[greffon.nom] = fichiers
        for chemin in fichiers:
            try:
                regles = lire_fichier_regles(Path(chemin), greffon.partenaire, ensembles)
            except RegleInvalide as e:
                defauts.append(Defaut(greffon.nom, e.message))
                continue
            for r in regles:
                if not r.en_vigueur.couvre(millesime):
                    continue
                cle = r.id if r.element is None else f"{r.id}#{id(r)}"
                if cle in vus and r.element is None:
                    defauts.append(Defaut(greffon.nom, RegleInvalide(
                        str(chemin), f"identifiant déjà utilisé dans {vus[cle]}", r.id).message))
                    continue
                vus[cle] = str(chemin)
                catalogue.regles.append(r)
    catalogue.defauts = tuple(defauts)
    return catalogue


def _liste(ajout: Any, greffon: Greffon, hook: str, quoi: str, defauts: list[Defaut]) -> list[Any]:
    """Ce qu'un hook a renvoyé, s'il a la forme d'une liste ; sinon un défaut, et rien."""
    if isinstance(ajout, list | tuple):
        return list(ajout)
    defauts.append(Defaut(greffon.nom, f"{hook} doit renvoyer {quoi} (une liste), pas {type(ajout).__name__}"))
    return []


def _chemins(fichiers: Any, greffon: Greffon, hook: str, defauts: list[Defaut]) -> list[Path]:
    chemins = []
    for f in _liste(fichiers, greffon, hook, "des chemins de fichiers", defauts):
        if isinstance(f, str | Path):
            chemins.append(Path(f))
        else:
            defauts.append(Defaut(greffon.nom, f"{hook} : « {str(f)[:60]} » n'est pas un chemin de fichier"))
    return chemins


def ensembles_pour_chaque(catalogue: Catalogue) -> dict[str, list[dict[str, Any]]]:
    """Ce sur quoi une règle « pour_chaque » peut itérer.

    Les référentiels (champs de leurs entrées), les paramètres de type ``colonnes`` et
    ``colonnes_obligatoires`` (champs ``colonne`` et ``entete``).
    """
    ensembles: dict[str, list[dict[str, Any]]] = {n: r.details for n, r in catalogue.referentiels.tous.items()}
    entetes = {c.id: c.entete for c in catalogue.colonnes}
    for nom, p in catalogue.parametres.tous.items():
        if p.type == "colonnes":
            ids = p.valeur(catalogue.millesime) or []
            ensembles[nom] = [{"colonne": c, "entete": entetes.get(c, c)} for c in ids]
    ensembles["colonnes_obligatoires"] = [
        {"colonne": c.id, "entete": c.entete} for c in catalogue.colonnes if c.requis == "O"]
    return ensembles

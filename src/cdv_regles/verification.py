"""La vérification de bout en bout : le même chemin pour la CLI, la CI et le bouton Excel."""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdv_regles import __version__
from cdv_regles.catalogue import Catalogue, construire
from cdv_regles.constats import FAMILLES, GRAVITES, Constat, avec_sources, resumer, trier
from cdv_regles.conversion import Tableau, convertir
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.greffons import Defaut, Greffons, charger, defaut_exception
from cdv_regles.lecture import Limites, TableBrute, lire_table
from cdv_regles.regle import Regle

if TYPE_CHECKING:  # polars n'est chargé que pour vérifier
    from cdv_regles.moteur import Echec


@dataclass
class Resultat:
    constats: list[Constat]
    tableau: Tableau
    catalogue: Catalogue
    millesime: int
    date_reference: dt.date
    version_regles: str
    defauts: list[Defaut] = field(default_factory=list)
    cadre: Any = None  # le polars.DataFrame typé

    @property
    def nb_dossiers(self) -> int:
        return self.tableau.nb_dossiers

    def resume(self) -> dict[str, Any]:
        r = resumer(self.constats, self.nb_dossiers)
        r.update(millesime=self.millesime, date_reference=self.date_reference.isoformat(),
                 version_regles=self.version_regles, defauts_greffons=[str(d) for d in self.defauts])
        return r

    def cellules(self, constat: Constat) -> list[str]:
        """Adresses A1 des cellules en cause (aucune pour un constat de tableau)."""
        if constat.ligne is None:
            return []
        return [a for c in constat.colonnes if (a := self.tableau.cellule(c, constat.ligne))]


def preparer(millesime: int | None = None, desactives: set[str] | None = None,
             date_reference: dt.date | None = None) -> tuple[Greffons, Catalogue]:
    """Greffons et catalogue du millésime demandé, ou de celui dont le calendrier couvre la date
    de référence (aujourd'hui par défaut). Un millésime qui n'existe pas, ou dont une valeur
    est encore « à renseigner », est refusé (``ErreurCdv``, statut 2)."""
    from cdv_regles.catalogue import charger_parametres
    from cdv_regles.millesimes import choisir

    greffons = charger(desactives)
    parametres = charger_parametres(greffons)
    millesime = choisir(parametres, millesime, date_reference or dt.date.today())
    parametres.exiger_renseignes(millesime)
    return greffons, construire(greffons, millesime, parametres)


def verifier_fichier(chemin: str | Path, *, millesime: int | None = None,
                     date_reference: dt.date | None = None, desactives: set[str] | None = None,
                     limites: Limites | None = None) -> Resultat:
    brute = lire_table(chemin, limites=limites)
    return verifier_table(brute, millesime=millesime, date_reference=date_reference,
                          desactives=desactives)


def verifier_table(brute: TableBrute, *, millesime: int | None = None,
                   date_reference: dt.date | None = None,
                   desactives: set[str] | None = None) -> Resultat:
    date_reference = date_reference or dt.date.today()
    greffons, catalogue = preparer(millesime, desactives, date_reference)
    return verifier_avec(brute, greffons, catalogue, date_reference)


def verifier_avec(brute: TableBrute, greffons: Greffons, catalogue: Catalogue,
                  date_reference: dt.date) -> Resultat:
    """Une exécution : ses défauts (ceux du catalogue, puis ceux de l'exécution) sont dans le
    résultat, jamais dans un état partagé entre exécutions."""
    from cdv_regles.constats_lecture import constats_lecture
    from cdv_regles.moteur import ERREURS_EVALUATION, Echec, cadre, compiler, evaluer
    from cdv_regles.schema import verifier_schema

    defauts: list[Defaut] = list(catalogue.defauts)
    tableau = convertir(brute, catalogue.colonnes, catalogue.referentiels)
    df = cadre(tableau)
    # Trois sortes de règles, un évaluateur chacune (regle.GENRES) : « lecture: », « schema: »
    # (le schéma, déclaré pour pandera) et « exiger: » (le moteur des expressions).
    par_genre: dict[str, list[Regle]] = {"lecture": [], "schema": [], "exiger": []}
    for r in catalogue.regles:
        par_genre[r.genre].append(r)
    regles_expr = []
    illisibles = frozenset(i.colonne.id for i in tableau.illisibles)
    surcharges = repr(sorted(catalogue.surcharges.items()))
    for r in par_genre["exiger"]:
        cle = (id(r), date_reference, illisibles, surcharges)
        try:
            if cle not in catalogue.compilees:
                catalogue.compilees[cle] = compiler(r, catalogue, date_reference, illisibles)
            compilee = catalogue.compilees[cle]
        except RegleInvalide as e:
            defauts.append(Defaut(_greffon_de(greffons, r.partenaire), e.message))
            continue
        except ERREURS_EVALUATION as e:  # une expression que le compilateur n'a pas prévue
            defauts.append(_defaut_regle(greffons, Echec(r, e)))
            continue
        if compilee is not None:
            regles_expr.append(compilee)
    dossiers = dict(zip(tableau.lignes, df["_dossier"].to_list(), strict=True))
    try:
        constats = constats_lecture(tableau, par_genre["lecture"], dossiers)
    except ERREURS_EVALUATION as e:
        constats = []
        defauts.append(defaut_exception("socle", "les constats de lecture", e))
    try:
        constats += verifier_schema(df, tableau, catalogue, par_genre["schema"])
    except RegleInvalide as e:
        defauts.append(Defaut("socle", e.message))
    except ERREURS_EVALUATION as e:
        defauts.append(defaut_exception("socle", "la validation du schéma", e))
    trouves, echecs = evaluer(df, regles_expr, catalogue, date_reference)
    constats += trouves
    defauts += [_defaut_regle(greffons, e) for e in echecs]
    contexte = catalogue.contexte(date_reference)
    for greffon, ajout in greffons.appeler("cdv_regles_controles", defauts, tableau=df, contexte=contexte):
        constats += _constats_du_greffon(defauts, greffon, ajout)
    constats = avec_sources(constats, {r.id: r.source_texte for r in catalogue.regles})
    return Resultat(trier(constats), tableau, catalogue, catalogue.millesime, date_reference,
                    version_regles(catalogue), defauts, df)


def _constats_du_greffon(defauts: list[Defaut], greffon: Any, ajout: Any) -> list[Constat]:
    """Les constats d'un contrôle Python, après vérification : un constat mal formé est un défaut
    du greffon, jamais une panne de la vérification."""
    if not isinstance(ajout, list) or not all(isinstance(c, Constat) for c in ajout):
        defauts.append(Defaut(greffon.nom, "cdv_regles_controles doit renvoyer une liste de Constat"))
        return []
    bons = []
    for c in ajout:
        if c.gravite not in GRAVITES or c.famille not in FAMILLES:
            defauts.append(Defaut(greffon.nom, f"constat {c.regle} : gravité « {c.gravite} » ou famille "
                                           f"« {c.famille} » inconnue"))
        elif c.partenaire != greffon.partenaire:
            defauts.append(Defaut(greffon.nom, f"constat {c.regle} signé « {c.partenaire} » au lieu "
                                           f"de « {greffon.partenaire} »"))
        else:
            bons.append(c)
    return bons


def _defaut_regle(greffons: Greffons, echec: Echec) -> Defaut:
    """Une règle qui n'a pas pu s'appliquer : un défaut de son greffon, qui la nomme."""
    r = echec.regle
    return Defaut(_greffon_de(greffons, r.partenaire), f"règle {r.id} ({r.chemin}) non appliquée : {echec.raison}",
                  trace="".join(traceback.format_exception(echec.exception)))


def _greffon_de(greffons: Greffons, partenaire: str) -> str:
    return next((g.nom for g in greffons.actifs if g.partenaire == partenaire), partenaire)


def version_regles(catalogue: Catalogue) -> str:
    """Version du paquet et empreinte du contenu des fichiers de règles et de paramètres."""
    empreinte = hashlib.sha256()
    fichiers = sorted({r.chemin for r in catalogue.regles} | {p.chemin for p in catalogue.parametres.tous.values()})
    for f in fichiers:
        try:
            empreinte.update(Path(f).read_bytes())
        except OSError:
            continue
    return f"{__version__}+{empreinte.hexdigest()[:8]}"

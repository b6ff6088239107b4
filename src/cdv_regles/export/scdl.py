"""Du tableau de programmation aux lignes SCDL Subventions 2.1.1 (une par dossier et financeur).

Correspondance (décisions prises là où le tableau ou le schéma sont muets) :

- ``nomAttribuant``, ``idAttribuant``, ``conditionsVersement`` : paramètre ``attribuant_<clé>``
  du financeur (``regles/parametres/attribuants.yaml``) ; le SIRET écrit dans ``cdv-regles.toml``
  à côté du tableau (section ``[attribuants]``) l'emporte : chaque attribuant y met le sien.
- ``dateConvention`` : colonne facultative « Date de la convention » (id ``date_convention``) si
  le tableau l'a et qu'elle est remplie, sinon l'option ``--date-convention``.
- ``referenceDecision`` : le N° dossier (référence interne du dossier ; le tableau n'a pas le
  numéro de l'acte d'attribution).
- ``nomBeneficiaire`` : Porteur ; ``idBeneficiaire`` : SIRET (espaces et points ôtés, clé de
  contrôle vérifiée) ; ``rnaBeneficiaire`` : RNA ; au moins l'un des deux.
- ``objet`` : Intitulé de l'action (256 caractères au plus, apostrophe de neutralisation comprise).
- ``montant`` : montant du financeur (plus le bonus égalité pour Valenciennes Métropole), au
  centime, point décimal ; seuls les montants strictement positifs font une ligne.
- ``nature`` : « aide en numéraire » ; ``notificationUE`` : « non » ; ``idRAE`` et
  ``dispositifAide`` : vides (aides aux associations, hors Répertoire des aides aux entreprises).
- ``datesPeriodeVersement`` : « début/fin » de l'action (AAAA-MM-JJ/AAAA-MM-JJ), une seule date
  si l'action tient en un jour : la date précise du versement n'est pas connue du tableau.
- ``pourcentageSubvention`` : « 1.00 ». Le schéma le définit comme la part de la subvention qui
  revient au bénéficiaire (« dans le cas d'un bénéficiaire unique, le pourcentage est 100 %, soit
  1.00 ») ; chaque ligne a un seul bénéficiaire. Ce n'est pas la part du coût total de l'action.

Tout champ obligatoire manquant ou invalide arrête l'export : le message liste les dossiers en
cause et ce qu'il faut corriger, pour tous les problèmes à la fois.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from cdv_regles import valeurs as v
from cdv_regles.catalogue import Catalogue
from cdv_regles.conversion import Tableau
from cdv_regles.erreurs import ErreurCdv
from cdv_regles.export.attribuants import FICHIER_ATTRIBUANTS, Financeur
from cdv_regles.export.tableur import neutraliser, texte_publie
from cdv_regles.referentiels import cle_nom

# Ordre des champs du schéma officiel (frictionless vérifie les en-têtes dans cet ordre).
CHAMPS = (
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
)
STATUT_PAR_DEFAUT = "Validé en comité"
COLONNE_DATE_CONVENTION = "date_convention"
OBJET_MAX = 256
NATURE = "aide en numéraire"
NOTIFICATION_UE = "non"
POURCENTAGE_BENEFICIAIRE_UNIQUE = "1.00"
_CENTIME = Decimal("0.01")
_DOSSIERS_CITES = 15  # au-delà, « et N autres »


@dataclass
class Probleme:
    """Un même défaut constaté sur plusieurs dossiers, et ce qu'il faut faire."""

    quoi: str
    faire: str
    dossiers: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        cites = self.dossiers[:_DOSSIERS_CITES]
        reste = len(self.dossiers) - len(cites)
        liste = "; ".join(cites) + (f" et {reste} autre(s)" if reste > 0 else "")
        return f"- {self.quoi} ({len(self.dossiers)} dossier(s) : {liste}). {self.faire}"


class Problemes:
    def __init__(self) -> None:
        self._tous: dict[str, Probleme] = {}

    def ajouter(self, quoi: str, faire: str, dossier: str) -> None:
        p = self._tous.setdefault(quoi, Probleme(quoi, faire))
        if dossier not in p.dossiers:
            p.dossiers.append(dossier)

    def lever_si_besoin(self, nb_lignes: int) -> None:
        if self._tous:
            detail = "\n".join(str(p) for p in self._tous.values())
            raise ErreurCdv(f"export SCDL impossible : {len(self._tous)} problème(s) à corriger avant "
                            f"de publier ({nb_lignes} ligne(s) auraient été exportées).\n{detail}")


@dataclass(frozen=True)
class Selection:
    """Ce que l'utilisateur demande d'exporter."""

    statuts: tuple[str, ...] = (STATUT_PAR_DEFAUT,)
    date_convention: dt.date | None = None
    #: Le fichier de réglages où écrire un SIRET d'attribuant manquant (cdv-regles.toml du tableau).
    reglages: Path = Path("cdv-regles.toml")


def statuts_officiels(demandes: tuple[str, ...], catalogue: Catalogue) -> tuple[str, ...]:
    """Les statuts demandés sous leur forme officielle (casse et accents libres)."""
    ref = catalogue.referentiels.tous.get("statuts")
    if ref is None:
        return demandes
    officiels, inconnus = [], []
    for s in demandes:
        o = ref.officiel(s)
        (officiels if o else inconnus).append(o or s)
    if inconnus:
        raise ErreurCdv(f"statut inconnu : {', '.join(f'« {s} »' for s in inconnus)}. Statuts possibles : "
                        f"{', '.join(f'« {s} »' for s in ref.valeurs)}.")
    return tuple(dict.fromkeys(officiels))


def lignes_scdl(tableau: Tableau, financeurs: list[Financeur], selection: Selection) -> list[dict[str, str]]:
    """Une ligne SCDL (valeurs texte prêtes à écrire) par dossier retenu et financeur au montant > 0."""
    col = tableau.colonnes
    illisibles = {(i.colonne.id, i.ligne): i for i in tableau.illisibles}
    problemes = Problemes()
    lignes: list[dict[str, str]] = []
    statuts = {cle_nom(s) for s in selection.statuts}
    for i, numero_ligne in enumerate(tableau.lignes):
        statut = col["statut"][i]
        if statut is None or cle_nom(str(statut)) not in statuts:
            continue
        dossier = _nom_dossier(col["numero_dossier"][i], numero_ligne)

        def signaler(quoi: str, faire: str, *, _d: str = dossier) -> None:
            problemes.ajouter(quoi, faire, _d)

        subventions = _subventions(i, numero_ligne, tableau, financeurs, illisibles, signaler)
        if not subventions:
            continue
        commun = _champs_beneficiaire(i, numero_ligne, tableau, selection, illisibles, signaler)
        for f, montant in subventions:
            _verifier_attribuant(f, signaler, selection.reglages)
            lignes.append({
                "_dossier": dossier,  # pour le résumé ; hors CHAMPS, donc jamais écrit
                **commun,
                "nomAttribuant": texte_publie(f.nom or ""),
                "idAttribuant": f.siret or "",
                "montant": str(montant),
                "nature": NATURE,
                "conditionsVersement": neutraliser(texte_publie(f.conditions_versement)),
                "idRAE": "",
                "notificationUE": NOTIFICATION_UE,
                "pourcentageSubvention": POURCENTAGE_BENEFICIAIRE_UNIQUE,
                "dispositifAide": "",
            })
    problemes.lever_si_besoin(len(lignes))
    return lignes


def _nom_dossier(numero: Any, ligne: int) -> str:
    return f"{numero} (ligne {ligne})" if numero else f"ligne {ligne}"


def _subventions(i: int, ligne: int, tableau: Tableau, financeurs: list[Financeur],
                 illisibles: dict[tuple[str, int], Any],
                 signaler: Callable[..., None]) -> list[tuple[Financeur, Decimal]]:
    resultat = []
    for f in financeurs:
        total = Decimal(0)
        for c in f.colonnes:
            ill = illisibles.get((c, ligne))
            if ill is not None:
                signaler(f"montant illisible dans « {ill.colonne.entete} »",
                         f"Corrigez la cellule ({ill.cellule} : {ill.detail}) : un montant illisible "
                         "ne peut pas être publié.")
                continue
            montant = tableau.colonnes[c][i] if c in tableau.colonnes else None
            if montant is not None:
                total += Decimal(repr(float(montant)))
        total = total.quantize(_CENTIME, rounding=ROUND_HALF_UP)
        if total > 0:
            resultat.append((f, total))
    return resultat


def _champs_beneficiaire(i: int, ligne: int, tableau: Tableau, selection: Selection,
                         illisibles: dict[tuple[str, int], Any],
                         signaler: Callable[..., None]) -> dict[str, str]:
    col = tableau.colonnes
    entete = {cid: c.entete for cid, c in tableau.types.items()}

    porteur = texte_publie(col["porteur"][i] or "")
    if not porteur:
        signaler("Porteur vide",
                 f"Remplissez la colonne « {entete['porteur']} » : c'est le nom publié du bénéficiaire.")

    siret = v.normaliser_siret(str(col["siret"][i])) if col["siret"][i] else ""
    if siret and not v.siret_valide(siret):
        signaler("SIRET invalide (14 chiffres, et ce numéro ne correspond à aucun établissement possible)",
                 f"Corrigez la colonne « {entete['siret']} » : recopiez le SIRET de l'établissement du "
                 "porteur depuis son avis de situation SIRENE.")
    rna = texte_publie(str(col["rna"][i])).upper() if col.get("rna") and col["rna"][i] else ""
    if rna and not v.rna_valide(rna):
        signaler("RNA invalide (W suivi de 9 chiffres attendu)", f"Corrigez la colonne « {entete['rna']} ».")
    if not siret and not rna:
        signaler("ni SIRET ni RNA", f"Remplissez « {entete['siret']} » (ou, pour une association, « RNA ») : "
                 "le schéma SCDL exige au moins l'un des deux.")

    objet = neutraliser(texte_publie(col["intitule"][i] or ""))
    if not objet:
        signaler("Intitulé de l'action vide",
                 f"Remplissez « {entete['intitule']} » : c'est l'objet publié de la subvention.")
    elif len(objet) > OBJET_MAX:
        signaler(f"intitulé trop long pour le champ objet ({OBJET_MAX} caractères au plus)",
                 f"Raccourcissez « {entete['intitule']} » à {OBJET_MAX} caractères "
                 "(ou 255 s'il commence par =, +, - ou @).")

    return {
        "dateConvention": _date_convention(i, ligne, tableau, selection, illisibles, signaler),
        "referenceDecision": neutraliser(texte_publie(str(col["numero_dossier"][i] or ""))),
        "nomBeneficiaire": neutraliser(porteur),
        "idBeneficiaire": siret if v.siret_valide(siret) else "",
        "rnaBeneficiaire": rna if v.rna_valide(rna) else "",
        "objet": objet,
        "datesPeriodeVersement": _periode(i, ligne, tableau, illisibles, signaler),
    }


def _date_convention(i: int, ligne: int, tableau: Tableau, selection: Selection,
                     illisibles: dict[tuple[str, int], Any], signaler: Callable[..., None]) -> str:
    valeurs = tableau.colonnes.get(COLONNE_DATE_CONVENTION)
    date = valeurs[i] if valeurs else None
    ill = illisibles.get((COLONNE_DATE_CONVENTION, ligne))
    if ill is not None:
        signaler("date de la convention illisible",
                 f"Corrigez la cellule {ill.cellule} ({ill.detail}).")
        return ""
    date = date or selection.date_convention
    if date is None:
        signaler("date de la convention manquante (champ obligatoire dateConvention)",
                 "Relancez avec --date-convention AAAA-MM-JJ (date de signature des conventions) "
                 "ou remplissez une colonne « Date de la convention » dans le tableau.")
        return ""
    return date.isoformat()


def _periode(i: int, ligne: int, tableau: Tableau, illisibles: dict[tuple[str, int], Any],
             signaler: Callable[..., None]) -> str:
    debut, fin = tableau.colonnes["date_debut"][i], tableau.colonnes["date_fin"][i]
    entete = {cid: c.entete for cid, c in tableau.types.items()}
    for cid, d in (("date_debut", debut), ("date_fin", fin)):
        ill = illisibles.get((cid, ligne))
        if ill is not None:
            signaler(f"« {entete[cid]} » illisible", f"Corrigez la cellule {ill.cellule} ({ill.detail}).")
        elif d is None:
            signaler(f"« {entete[cid]} » vide (sert à datesPeriodeVersement)",
                     f"Remplissez « {entete[cid]} » (JJ/MM/AAAA).")
    if debut is None or fin is None:
        return ""
    if fin < debut:
        signaler("date de fin de l'action avant sa date de début",
                 f"Corrigez « {entete['date_debut']} » ou « {entete['date_fin']} ».")
        return ""
    return debut.isoformat() if fin == debut else f"{debut.isoformat()}/{fin.isoformat()}"


def _verifier_attribuant(f: Financeur, signaler: Callable[..., None], reglages: Path) -> None:
    ou = f"le paramètre {f.parametre} de {FICHIER_ATTRIBUANTS}"
    sans = "ou exportez sans ce financeur (--financeur CODE pour choisir les financeurs)."
    if not f.nom:
        signaler(f"nom de l'attribuant « {f.libelle} » non renseigné", f"Complétez « nom » dans {ou}, {sans}")
    if not f.siret:
        signaler(f"SIRET de l'attribuant « {f.libelle} » non renseigné (champ obligatoire idAttribuant)",
                 f"Écrivez-le dans {reglages}, à côté du tableau (créez le fichier s'il n'existe pas) : "
                 f'une section [attribuants] puis la ligne {f.code} = "SIRET à 14 chiffres" (le SIRET de '
                 f"l'établissement qui attribue la subvention, sur annuaire-entreprises.data.gouv.fr), {sans}")
    elif not v.siret_valide(f.siret):
        origine = f"{f.source_siret}, section [attribuants], ligne {f.code}" if f.source_siret else ou
        signaler(f"SIRET de l'attribuant « {f.libelle} » invalide : « {f.siret} »",
                 f"Corrigez-le dans {origine} : recopiez-le depuis l'avis de situation SIRENE "
                 "(14 chiffres ; ce numéro ne correspond à aucun établissement possible).")


def exporter_fichier(chemin: str | Path, *, statuts: tuple[str, ...] = (STATUT_PAR_DEFAUT,),
                     financeurs: tuple[str, ...] = (), date_convention: dt.date | None = None,
                     millesime: int | None = None,
                     date_reference: dt.date | None = None) -> tuple[bytes, str]:
    """Lit le tableau (sans lancer les règles) et renvoie le CSV SCDL et un résumé d'une phrase."""
    from cdv_regles.conversion import convertir
    from cdv_regles.export.attribuants import financeurs as lire_financeurs
    from cdv_regles.export.reglages import appliquer_reglages, chemin_reglages
    from cdv_regles.export.tableur import en_csv
    from cdv_regles.lecture import lire_table
    from cdv_regles.verification import preparer

    _, catalogue = preparer(millesime, date_reference=date_reference)
    choisis = lire_financeurs(catalogue, financeurs)
    absents = [f.parametre for f in choisis if f.parametre not in catalogue.parametres.tous]
    if absents:
        # Souvent un fichier de paramètres refusé : son défaut dit pourquoi.
        defauts = "".join(f"\n- {d}" for d in catalogue.defauts)
        raise ErreurCdv(f"paramètre(s) {', '.join(absents)} introuvable(s) pour le millésime {catalogue.millesime} : "
                        f"ajoutez-les dans {FICHIER_ATTRIBUANTS} ({{nom: ..., siret: ...}}).{defauts}")
    tableau = convertir(lire_table(chemin), catalogue.colonnes, catalogue.referentiels)
    reglages = chemin_reglages(chemin)
    choisis = appliquer_reglages(choisis, lire_financeurs(catalogue), reglages)
    selection = Selection(statuts_officiels(statuts, catalogue), date_convention, reglages)
    lignes = lignes_scdl(tableau, choisis, selection)
    if not lignes:
        vus = sorted({str(s) for s in tableau.colonnes["statut"] if s})
        raise ErreurCdv(
            f"aucune subvention à exporter : aucun dossier au statut {_liste(selection.statuts)} n'a de "
            f"montant positif pour {_liste(tuple(f.libelle for f in choisis))}. Statuts présents dans "
            f"le tableau : {_liste(tuple(vus)) if vus else 'aucun'} (choisissez-les avec --statut).")
    dossiers = len({ligne["_dossier"] for ligne in lignes})
    resume = f"{len(lignes)} subvention(s) de {dossiers} dossier(s) au format SCDL Subventions 2.1.1"
    return en_csv(CHAMPS, lignes), resume


def _liste(elements: tuple[str, ...]) -> str:
    return ", ".join(f"« {e} »" for e in elements)

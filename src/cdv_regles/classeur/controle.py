"""``verifier(book)`` : le bouton « Vérifier », écrit uniquement contre l'API Book d'xlwings.

Lit le tableau dans le classeur ouvert (sans rouvrir le fichier), lance le même moteur que la
ligne de commande, écrit la feuille Contrôles et la feuille Synthèse du comité (tableaux et
graphiques, ``cdv_regles.synthese``), colore les cellules en cause et affiche les comptes. Les
résultats et couleurs du passage précédent sont effacés d'abord. Les valeurs saisies ne sont
jamais modifiées ; en cas d'échec, un message en français s'affiche et le classeur reste
utilisable.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path
from typing import Any

from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.couleurs import colorer, effacer_couleurs, gravites_par_cellule
from cdv_regles.classeur.grille import lire_grille, texte
from cdv_regles.classeur.livre import alerte, figer_ecran, trouver_feuille
from cdv_regles.classeur.resultats import ecrire_controles, message_resume
from cdv_regles.erreurs import ErreurCdv

TITRE = "Vérifier le tableau de programmation"
#: Trace technique d'un échec imprévu, pour qui maintient l'outil (jamais montrée à l'écran).
JOURNAL = "cdv-regles-verifier.log"


def verifier(book: Any, *, date_reference: dt.date | None = None,
             maintenant: dt.datetime | None = None) -> dict[str, Any]:
    """Contrôle le classeur ``book`` ; renvoie le résumé (ou ``{"erreur": message}``)."""
    figer_ecran(book, True)
    try:
        resume = _verifier(book, date_reference, maintenant or dt.datetime.now())
    except Exception as e:  # le classeur doit rester utilisable quoi qu'il arrive
        message = message_erreur(e)
        figer_ecran(book, False)
        _alerte_sure(book, message, "critical")
        return {"erreur": message}
    figer_ecran(book, False)
    _alerte_sure(book, resume["message"], "info")
    return resume


def _verifier(book: Any, date_reference: dt.date | None, maintenant: dt.datetime) -> dict[str, Any]:
    feuille = trouver_feuille(book, F.FEUILLE_PROGRAMMATION)
    if feuille is None:
        noms = ", ".join(f"« {s.name} »" for s in book.sheets)
        raise ErreurCdv(
            f"Ce classeur n'a pas de feuille « {F.FEUILLE_PROGRAMMATION} » (feuilles vues : "
            f"{noms}). Renommez la feuille du tableau des dossiers en « {F.FEUILLE_PROGRAMMATION} »."
        )
    grille = lire_grille(feuille)
    millesime = lire_millesime(book)
    from cdv_regles.greffons import noms_desactives

    # Comme la ligne de commande : CDV_REGLES_DESACTIVER retire des greffons (lue avant
    # d'effacer quoi que ce soit : une variable fautive laisse le passage précédent intact).
    desactives = noms_desactives()
    # D'abord effacer le passage précédent : couleurs, puis feuilles de résultats (réécrites).
    effacer_couleurs(book, feuille, grille)

    # Imports lourds (polars…) ici seulement : « import cdv_regles.classeur » reste léger.
    from cdv_regles.lecture import TableauExcel, table_depuis_valeurs
    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.synthese.classeur import ecrire_synthese
    from cdv_regles.verification import preparer, verifier_avec

    tableaux = None
    if grille.est_tableau:  # la fin du tableau Excel arrête les données, comme dans la CLI
        tableaux = [TableauExcel(ligne_entete=grille.ligne,
                                 derniere_ligne=grille.fin_tableau or grille.ligne + len(grille.valeurs) - 1,
                                 colonne_debut=grille.colonne - 1,
                                 colonne_fin=grille.colonne + len(grille.valeurs[0]) - 2)]
    # premiere_colonne est 0-based pour le lecteur (A -> 0), la grille est en numéros Excel.
    from cdv_regles.classeur.fusions import fusions

    brute = table_depuis_valeurs(grille.valeurs, chemin=book.name, feuille=feuille.name,
                                 premiere_ligne=grille.ligne, premiere_colonne=grille.colonne - 1,
                                 tableaux=tableaux,
                                 fusions=fusions(feuille, grille.valeurs, grille.ligne, grille.colonne))
    # Les greffons de la vérification servent aussi à la synthèse : chargés une seule fois.
    date_reference = date_reference or dt.date.today()
    greffons, catalogue = preparer(millesime, desactives, date_reference)
    resultat = verifier_avec(brute, greffons, catalogue, date_reference)
    resume = resultat.resume()
    controles = ecrire_controles(book, resultat, feuille.name)
    ecrire_synthese(book, calculer_synthese(resultat, greffons), maintenant=maintenant)
    colorer(book, feuille, grille, gravites_par_cellule(resultat))
    (controles if resultat.constats else feuille).activate()
    resume["message"] = message_resume(resume)
    return resume


def lire_millesime(book: Any) -> int | None:
    """Le millésime porté par le classeur (cellule nommée), sinon None (déduit par le moteur)."""
    try:
        nom = book.names[F.NOM_MILLESIME]
        valeur = nom.refers_to_range.value
    except Exception:  # nom absent (classeur d'une autre origine) : le moteur choisit
        return None
    brut = texte(valeur)
    if not brut:
        return None
    try:
        return int(brut)
    except ValueError:
        raise ErreurCdv(
            f"Le millésime du classeur (feuille {F.FEUILLE_REFERENTIELS}, cellule nommée "
            f"{F.NOM_MILLESIME}) vaut « {brut} » : une année est attendue, p. ex. 2023."
        ) from None


def message_erreur(e: BaseException) -> str:
    """Message en français pour la boîte d'erreur ; la trace technique va dans un journal."""
    if isinstance(e, ErreurCdv):
        return f"{e.message}\n\nVos saisies n'ont pas été modifiées."
    journal = _journaliser(e)
    ou = f" Détail technique pour l'assistance : {journal}." if journal else ""
    return (
        f"Le contrôle n'a pas pu aller au bout ({e.__class__.__name__} : {e}). "
        f"Vos saisies n'ont pas été modifiées.{ou} Signalez ce message à la personne qui "
        "maintient l'outil cdv-regles."
    )


def _journaliser(e: BaseException) -> str | None:
    try:
        chemin = Path(tempfile.gettempdir()) / JOURNAL
        with open(chemin, "a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} (pid {os.getpid()})\n")
            f.write("".join(traceback.format_exception(e)))
        return str(chemin)
    except OSError:
        return None


def _alerte_sure(book: Any, message: str, mode: str) -> None:
    try:
        alerte(book, message, TITRE, mode)
    except Exception:  # sans boîte possible, le message part sur la sortie d'erreur
        import sys

        print(message, file=sys.stderr)

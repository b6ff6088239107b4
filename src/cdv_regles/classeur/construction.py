"""Construction du classeur partagé ``programmation-AAAA.xlsm`` (XlsxWriter, sans Excel).

Deux passages d'écriture : un squelette (mêmes feuilles, sans macro) reçoit le projet VBA, dont
Excel nomme les modules de document d'après l'ordre des feuilles ; puis le classeur complet est
écrit avec ce ``vbaProject.bin`` et les mêmes noms de code.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdv_regles.adresses import lettres_colonne
from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.listes import Liste, listes_des_colonnes, listes_referentiels
from cdv_regles.classeur.projet_vba import (
    ModuleVba,
    modules_projet,
    modules_xlwings,
    projet_vba,
    version_xlwings,
)
from cdv_regles.classeur.resultats import ENTETES_CONTROLES, LIGNE_ENTETE_CONTROLES
from cdv_regles.contrat import Colonne
from cdv_regles.erreurs import ErreurCdv
from cdv_regles.types_colonnes import TYPES, type_colonne

# Contrôles et Synthèse sont créées d'avance, vides, avec leur mise en page d'impression : « Vérifier »
# les vide (contenu et formats) et les réécrit, et Excel garde la mise en page, que l'API Book
# d'xlwings ne sait pas poser (orientation, ajustement, lignes répétées : voir classeurs/README.md).
ORDRE_FEUILLES = (F.FEUILLE_PROGRAMMATION, F.FEUILLE_CONTROLES, F.FEUILLE_SYNTHESE, F.FEUILLE_REFERENTIELS,
                  F.FEUILLE_CONFIGURATION)
#: Largeur imprimable d'une page A4 paysage, en largeur de colonne Excel (caractères), à l'échelle
#: la plus petite qui reste lisible (~60 %) : au-delà, le tableau est imprimé sur plusieurs pages
#: de large, N° dossier et porteur répétés sur chacune.
LARGEUR_PAGE_LISIBLE = 230
#: Lignes de données couvertes par les validations (le tableau s'agrandit tout seul).
LIGNES_VALIDEES = 2000
LIGNES_MAX_EXCEL = 1_048_576  # une zone d'impression sur toutes les lignes s'écrit $A:$H
RESULTATS_CONTROLES = ("Cliquez sur « Vérifier » (feuille Programmation) : chaque constat s'affichera ici, "
                       "une ligne par constat.")
RESULTATS_SYNTHESE = ("Cliquez sur « Vérifier » (feuille Programmation) : la synthèse pour le comité "
                      "(chiffres et graphiques) s'affichera ici.")
HAUTEUR_ENTETE = 80  # points : place pour le bouton au-dessus des en-têtes sur plusieurs lignes

COULEURS_GROUPES = {
    "Identification": "#DDEBF7",
    "Calendrier": "#E2EFDA",
    "Budget": "#FFF2CC",
    "Pièces du dossier": "#FCE4D6",
    "Égalité femmes-hommes": "#EDE2F6",
    "Évaluation et instruction": "#EDEDED",
}
COULEUR_GROUPE_PARTENAIRE = "#E7E6E6"

#: Largeurs propres à une colonne (les autres : la largeur de leur type, ``types_colonnes``).
LARGEURS_COLONNES = {"numero_dossier": 14, "porteur": 28, "intitule": 36,
                     "observations": 40, "public_prioritaire": 24}
AIDE_COLONNES = {
    "numero_dossier": "Identifiant unique du dossier dans le tableau.",
}
AIDE_REQUIS = {"O": "Obligatoire.", "C": "Obligatoire selon le cas (voir les contrôles).",
               "F": "Facultatif."}

#: Réglages xlwings (clé, valeur, explication) : la feuille est lue par le module VBA.
CONFIGURATION = (
    ("Interpreter_Win", r"%USERPROFILE%\cdv-regles\Scripts\python.exe",
     "Python de l'environnement où cdv-regles et xlwings sont installés (Windows)."),
    ("Interpreter_Mac", "$HOME/cdv-regles/bin/python",
     "Le même pour Excel sur macOS."),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false",
     "Le code est dans le paquet installé : ne pas chercher de code à côté du classeur "
     "(évite les erreurs de chemin OneDrive / SharePoint)."),
)


@dataclass
class Contenu:
    """Ce que le classeur montre : colonnes du contrat, listes, millésime."""

    millesime: int
    colonnes: tuple[Colonne, ...]
    listes: dict[str, Liste]
    referentiels: list[Liste]
    version_outil: str
    version_xlwings: str
    modules: list[ModuleVba] = field(default_factory=list)


def contenu_depuis(colonnes: tuple[Colonne, ...], refs: Any, millesime: int, referentiel_qpv: str) -> Contenu:
    from cdv_regles import __version__

    listes = listes_des_colonnes(colonnes, refs, referentiel_qpv)
    return Contenu(
        millesime=millesime,
        colonnes=colonnes,
        listes=listes,
        referentiels=listes_referentiels(listes, refs),
        version_outil=__version__,
        version_xlwings=version_xlwings(),
        modules=[*modules_xlwings(), *modules_projet()],
    )


CONSEIL_REMPLACER = ("Choisissez un autre --sortie, ou ajoutez --remplacer si vous voulez vraiment le "
                     "remplacer (les saisies qu'il contient seraient perdues).")


def verifier_sortie(sortie: Path, remplacer: bool = False) -> None:
    """Refuse tout de suite (avant la construction) une sortie impossible ou déjà présente."""
    from cdv_regles.ecriture import refuser_si_existe, verifier_cible

    sortie = Path(sortie)
    if sortie.suffix.lower() != ".xlsm":
        raise ErreurCdv(
            f"Le classeur doit finir par .xlsm (classeur à macros), pas « {sortie.name} » : "
            "Excel refuse d'ouvrir un classeur à macros sous une autre extension."
        )
    verifier_cible(sortie)
    if not remplacer:
        refuser_si_existe(sortie, CONSEIL_REMPLACER)
    if not sortie.parent.is_dir():
        raise ErreurCdv(f"Le dossier {sortie.parent} n'existe pas : créez-le d'abord.")


def construire_classeur(sortie: Path, contenu: Contenu, *, remplacer: bool = False) -> Path:
    """Écrit le classeur à ``sortie`` et renvoie son chemin.

    Écrit à côté puis publié d'un coup ; sans ``remplacer``, la publication est exclusive : un
    fichier apparu pendant la construction n'est jamais remplacé.
    """
    from cdv_regles.ecriture import fichier_provisoire

    sortie = Path(sortie)
    verifier_sortie(sortie, remplacer)
    try:
        with tempfile.TemporaryDirectory() as travail:
            squelette = Path(travail) / "squelette.xlsm"
            _ecrire_squelette(squelette)
            vba = projet_vba(squelette, contenu.modules)
    except Exception as e:  # disque plein, droits… : rien n'a encore été écrit à côté de sortie
        if isinstance(e, OSError) or e.__class__.__name__ == "FileCreateError":
            raise ErreurCdv(f"Impossible d'écrire {sortie} ({getattr(e, 'strerror', None) or e}) : rien n'a "
                            "été remplacé. Vérifiez la place disponible et les droits du dossier.") from None
        raise
    with fichier_provisoire(sortie, remplacer=remplacer, conseil=CONSEIL_REMPLACER) as provisoire:
        try:
            _ecrire_classeur(provisoire, contenu, vba)
        except Exception as e:
            if e.__class__.__name__ == "FileCreateError":  # xlsxwriter enveloppe l'OSError
                raise OSError(str(e)) from None
            raise
    return sortie


def _ecrire_squelette(chemin: Path) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(str(chemin)) as wb:
        for nom in ORDRE_FEUILLES:
            wb.add_worksheet(nom)


def _ecrire_classeur(chemin: Path, contenu: Contenu, vba: bytes) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(chemin))
    # Date fixe : deux générations avec les mêmes entrées donnent le même fichier.
    cree = dt.datetime(contenu.millesime - 1, 9, 1, tzinfo=dt.UTC)
    wb.set_properties({
        "title": f"Tableau de programmation {contenu.millesime} — Contrat de Ville",
        "subject": "Programmation du Contrat de Ville de Valenciennes Métropole",
        "author": "cdv-regles",
        "company": "Valenciennes Métropole",
        "comments": (f"Généré par cdv-regles {contenu.version_outil} "
                     f"(module VBA xlwings {contenu.version_xlwings})."),
        "created": cree,
    })
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    programmation = wb.add_worksheet(F.FEUILLE_PROGRAMMATION)
    controles = wb.add_worksheet(F.FEUILLE_CONTROLES)
    synthese = wb.add_worksheet(F.FEUILLE_SYNTHESE)
    referentiels = wb.add_worksheet(F.FEUILLE_REFERENTIELS)
    configuration = wb.add_worksheet(F.FEUILLE_CONFIGURATION)
    # Noms de code des modules de document créés dans le squelette (Sheet1, Sheet2…).
    for i, feuille in enumerate((programmation, controles, synthese, referentiels, configuration), start=1):
        feuille.set_vba_name(f"Sheet{i}")
    _feuille_resultats(wb, controles, RESULTATS_CONTROLES, repeter_entete=True)
    _feuille_resultats(wb, synthese, RESULTATS_SYNTHESE, repeter_entete=False)

    _feuille_referentiels(wb, referentiels, contenu)
    _feuille_programmation(wb, programmation, contenu)
    _feuille_configuration(wb, configuration, contenu)
    programmation.activate()
    wb.close()


def _ref_feuille(nom: str) -> str:
    return "'" + nom.replace("'", "''") + "'"


def _feuille_referentiels(wb: Any, ws: Any, contenu: Contenu) -> None:
    titre = wb.add_format({"bold": True, "font_size": 14})
    entete = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                            "valign": "top"})
    ws.write(0, 0, f"Listes des menus déroulants — millésime {contenu.millesime}", titre)
    note = wb.add_format({"text_wrap": True, "valign": "top", "italic": True})
    ws.merge_range(1, 0, 1, 5, (
        f"Générées par cdv-regles {contenu.version_outil} à partir des référentiels des règles "
        "(dossier regles/referentiels). Ne les modifiez pas ici : les contrôles utilisent "
        "toujours les référentiels des règles, et ces listes sont refaites à chaque génération "
        "du classeur."
    ), note)
    ws.set_row(1, 48)
    # Le millésime est une cellule nommée : xlwings Server ne transmet que les noms de plages.
    ws.write(2, 0, "Millésime du classeur", wb.add_format({"bold": True}))
    ws.write_number(2, 1, contenu.millesime, wb.add_format({"bold": True, "align": "left"}))
    wb.define_name(F.NOM_MILLESIME, f"={_ref_feuille(F.FEUILLE_REFERENTIELS)}!$B$3")
    ligne_entete = 4
    for col, liste in enumerate(contenu.referentiels):
        ws.write(ligne_entete, col, liste.titre, entete)
        for i, valeur in enumerate(liste.valeurs, start=ligne_entete + 1):
            ws.write(i, col, valeur)
        debut, fin = ligne_entete + 2, ligne_entete + 1 + max(len(liste.valeurs), 1)
        lettre = lettres_colonne(col)
        wb.define_name(liste.nom, f"={_ref_feuille(F.FEUILLE_REFERENTIELS)}!${lettre}${debut}:${lettre}${fin}")
        largeur = max([len(liste.titre), *(len(str(v)) for v in liste.valeurs)])
        ws.set_column(col, col, min(max(largeur + 2, 12), 60))
    ws.freeze_panes(ligne_entete + 1, 0)
    _mise_en_page(ws)
    ws.print_area(0, 0, LIGNES_MAX_EXCEL - 1, max(len(contenu.referentiels), 1) - 1)


def _feuille_resultats(wb: Any, ws: Any, attente: str, *, repeter_entete: bool) -> None:
    """Contrôles et Synthèse avant le premier « Vérifier » : une phrase, et la mise en page."""
    ws.write_string(0, 0, attente, wb.add_format({"italic": True, "font_color": "#595959"}))
    if repeter_entete:  # Contrôles : la ligne d'en-tête puis un constat par ligne
        _mise_en_page(ws)
        ws.repeat_rows(LIGNE_ENTETE_CONTROLES - 1)  # sous le résumé de la lecture
        ws.print_area(0, 0, LIGNES_MAX_EXCEL - 1, len(ENTETES_CONTROLES) - 1)
    else:  # Synthèse : tableaux et graphiques ; « Vérifier » pose la zone d'impression exacte
        _mise_en_page(ws)


def _feuille_programmation(wb: Any, ws: Any, contenu: Contenu) -> None:
    colonnes = contenu.colonnes
    formats_entete = {}
    for c in colonnes:
        couleur = COULEURS_GROUPES.get(c.groupe, COULEUR_GROUPE_PARTENAIRE)
        if couleur not in formats_entete:
            formats_entete[couleur] = wb.add_format({
                "bold": True, "text_wrap": True, "valign": "bottom", "bg_color": couleur,
                "font_color": "#000000", "border": 1,
            })
    formats_colonne: dict[str, Any] = {}
    for nom, t in TYPES.items():
        reglages = {cle: val for cle, val in (("num_format", t.format_excel), ("align", t.alignement)) if val}
        formats_colonne[nom] = wb.add_format(reglages) if reglages else None

    ws.add_table(0, 0, 1, len(colonnes) - 1, {
        "name": F.TABLEAU,
        "style": "Table Style Light 1",
        "columns": [
            {"header": c.entete,
             "header_format": formats_entete[COULEURS_GROUPES.get(c.groupe, COULEUR_GROUPE_PARTENAIRE)]}
            for c in colonnes
        ],
    })
    ws.set_row(0, HAUTEUR_ENTETE)
    largeurs = [LARGEURS_COLONNES.get(c.id, type_colonne(c.type).largeur) for c in colonnes]
    for i, (c, largeur) in enumerate(zip(colonnes, largeurs, strict=True)):
        ws.set_column(i, i, largeur, formats_colonne.get(c.type))
        ws.data_validation(1, i, LIGNES_VALIDEES, i, _validation(c, contenu))
    ws.freeze_panes(1, 2)
    _mise_en_page(ws, pages_de_large=max(1, -(-sum(largeurs) // LARGEUR_PAGE_LISIBLE)))
    ws.repeat_rows(0)
    ws.repeat_columns(0, 1)
    ws.print_area(0, 0, LIGNES_MAX_EXCEL - 1, len(colonnes) - 1)  # colonnes entières : les lignes ajoutées aussi
    ws.insert_button(0, 0, {
        "macro": F.MACRO_VERIFIER,
        "caption": F.LIBELLE_BOUTON,
        "width": 120,
        "height": 30,
        "x_offset": 4,
        "y_offset": 4,
        "description": "Contrôler le tableau et afficher les constats (feuille Contrôles)",
    })


def _validation(c: Colonne, contenu: Contenu) -> dict[str, Any]:
    """Validation de données d'une colonne : liste déroulante ou bornes, et message de saisie."""
    liste = contenu.listes.get(c.id)
    t = type_colonne(c.type)
    aide = " ".join(filter(None, (AIDE_REQUIS.get(c.requis, ""), AIDE_COLONNES.get(c.id), t.aide)))
    v: dict[str, Any] = {
        "input_title": c.entete[:32],
        "input_message": aide[:255],
        "error_type": "warning",
        "error_title": "Valeur inattendue",
    }
    if liste is not None:
        v.update(validate="list", source=f"={liste.nom}")
        v["error_message"] = (f"« {c.entete} » : choisissez une valeur de la liste "
                              f"(feuille {F.FEUILLE_REFERENTIELS}). Continuer quand même ?")
        if not liste.stricte:
            v["show_error"] = False  # « A ; B » n'est pas dans la liste et reste permis
    elif t.validation is not None:
        v.update(t.validation(c, contenu.millesime))
    else:
        v["validate"] = "any"
    return v


def _feuille_configuration(wb: Any, ws: Any, contenu: Contenu) -> None:
    note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
    gras = wb.add_format({"bold": True})
    for i, (cle, valeur, explication) in enumerate(CONFIGURATION):
        # Colonne A : clés lues par xlwings jusqu'à la première cellule vide ; B : valeurs.
        ws.write_string(i, 0, cle)
        ws.write_string(i, 1, valeur)
        ws.write_string(i, 3, explication, note)
    ligne = len(CONFIGURATION) + 1
    ws.write_string(ligne, 3, "À lire", gras)
    for j, texte in enumerate((
        f"Ce classeur porte le module VBA d'xlwings {contenu.version_xlwings} : installez "
        f"exactement cette version (pip install xlwings=={contenu.version_xlwings}).",
        "Modifiez seulement la colonne B (chemin de Python) ; les lignes se lisent de haut en bas "
        "jusqu'à la première cellule vide de la colonne A.",
        "Installation et dépannage : classeurs/README.md du dépôt cdv-regles.",
    ), start=ligne + 1):
        ws.write_string(j, 3, texte, note)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 48)
    ws.set_column(3, 3, 90)
    _mise_en_page(ws)
    ws.print_area(0, 0, LIGNES_MAX_EXCEL - 1, 3)


def _mise_en_page(ws: Any, *, pages_de_large: int = 1) -> None:
    """Impression lisible : A4 paysage, ajusté en largeur (autant de pages de haut qu'il faut),
    pied de page « feuille — page n / N »."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(pages_de_large, 0)
    ws.set_footer("&L&A&RPage &P / &N")



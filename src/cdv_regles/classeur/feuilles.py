"""Noms partagés par la construction du classeur et par le bouton « Vérifier »."""

from __future__ import annotations

FEUILLE_PROGRAMMATION = "Programmation"
FEUILLE_REFERENTIELS = "Référentiels"
FEUILLE_CONFIGURATION = "xlwings.conf"  # nom imposé par le module VBA d'xlwings
# Feuilles écrites par « Vérifier » (l'outil ne possède qu'elles).
FEUILLE_CONTROLES = "Contrôles"
FEUILLE_SYNTHESE = "Synthèse"
FEUILLE_MEMOIRE = "Mémoire du contrôle"  # masquée : cellules colorées au dernier passage

#: Nom du tableau Excel (ListObject) des dossiers.
TABLEAU = "Dossiers"
#: Nom défini de la cellule qui porte le millésime du classeur (feuille Référentiels).
NOM_MILLESIME = "cdv_millesime"
#: Macro liée au bouton (module VBA ``Verification``).
MACRO_VERIFIER = "Verifier"
LIBELLE_BOUTON = "Vérifier"

#: Couleur de fond des cellules en cause, par gravité (tons clairs : le texte reste lisible).
COULEURS: dict[str, str] = {
    "bloquant": "#FFC7CE",
    "alerte": "#FFEB9C",
    "info": "#DDEBF7",
}

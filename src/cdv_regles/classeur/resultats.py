"""Ce que « Vérifier » écrit en plus de la Synthèse : la feuille Contrôles (une ligne par constat) et
le message de fin. La feuille Synthèse est écrite par ``cdv_regles.synthese.classeur``.
"""

from __future__ import annotations

from typing import Any

from cdv_regles.adresses import lettres_colonne
from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.livre import feuille_outil, zone_impression
from cdv_regles.constats import GRAVITES

LIBELLES_GRAVITE = {"bloquant": "Bloquant", "alerte": "Alerte", "info": "Info"}
PLURIELS_GRAVITE = {"bloquant": "bloquants", "alerte": "alertes", "info": "infos"}
ENTETES_CONTROLES = ("Gravité", "Dossier", "Ligne", "Règle", "Famille", "Partenaire",
                     "Colonne(s)", "Message", "Source", "Cellule")
LARGEURS_CONTROLES = (10, 14, 7, 30, 11, 22, 30, 90, 40, 10)
COULEUR_ENTETE = "#D9E1F2"


def _sur(valeur: str) -> str:
    """Un texte qui commence par « = » serait pris pour une formule ; les caractères de contrôle
    d'une cellule citée sont montrés (« ␛ »), les retours à la ligne gardés."""
    from cdv_regles.affichage import visible

    valeur = visible(valeur, sauts=True)
    return "'" + valeur if valeur.startswith("=") else valeur


def lien_cellule(feuille: str, cellule: str) -> str:
    cible = "#'" + feuille.replace("'", "''") + "'!" + cellule
    return f'=HYPERLINK("{cible}","{cellule}")'


#: Ligne des en-têtes du tableau des constats : au-dessus, ce que la lecture a compris.
LIGNE_ENTETE_CONTROLES = 5


def ecrire_controles(book: Any, resultat: Any, feuille_lue: str) -> Any:
    """Feuille Contrôles : ce que la lecture a compris (feuille, ligne d'en-têtes, dossiers,
    lignes écartées, colonnes inconnues), puis l'en-tête et un constat par ligne, avec un lien
    vers la cellule."""
    from cdv_regles.rapports.lecture import lignes_lecture

    ws = feuille_outil(book, F.FEUILLE_CONTROLES)
    lecture = lignes_lecture(resultat)
    while len(lecture) < LIGNE_ENTETE_CONTROLES - 1:
        lecture.append("")
    vide = [""] * (len(ENTETES_CONTROLES) - 2)
    # Colonnes A à I en valeurs ; la dernière (liens) en formules, écrite à part.
    lignes: list[list[Any]] = [[_sur(t), *vide] for t in lecture] + [list(ENTETES_CONTROLES[:-1])]
    liens: list[list[str]] = [[""] for _ in lecture] + [[ENTETES_CONTROLES[-1]]]
    for c in resultat.constats:
        cellules = resultat.cellules(c)
        premiere = cellules[0].rsplit("!", 1)[-1].replace("$", "") if cellules else ""
        lignes.append([
            LIBELLES_GRAVITE.get(c.gravite, c.gravite), _sur(c.dossier or ""),
            c.ligne if c.ligne is not None else "", c.regle, c.famille, c.partenaire,
            _sur(", ".join(c.entetes or c.colonnes)), _sur(c.message), _sur(c.source),
        ])
        liens.append([lien_cellule(feuille_lue, premiere) if premiere else ""])
    if len(lignes) == LIGNE_ENTETE_CONTROLES:
        lignes.append(["", "", "", "", "", "", "", "Aucun constat : le tableau respecte toutes les règles.", ""])
        liens.append([""])
    n = len(lignes)
    derniere = lettres_colonne(len(ENTETES_CONTROLES) - 1)
    # Colonnes de texte : « 2023-01 » ne doit pas devenir une date.
    for col in ("A", "B", "D", "E", "F", "G", "H", "I"):
        ws[f"{col}1:{col}{n}"].number_format = "@"
    e = LIGNE_ENTETE_CONTROLES
    ws["A1"].value = lignes
    ws[f"{derniere}1"].formula = liens
    ws[f"A1:A{e - 1}"].font.bold = True
    entete = ws[f"A{e}:{derniere}{e}"]
    entete.font.bold = True
    entete.color = COULEUR_ENTETE
    for i, largeur in enumerate(LARGEURS_CONTROLES):
        ws[f"{lettres_colonne(i)}:{lettres_colonne(i)}"].column_width = largeur
    ws[f"H{e + 1}:I{n}"].wrap_text = True
    # Gravité colorée comme les cellules en cause, par suites de lignes de même gravité.
    suites: list[list[Any]] = []
    for i, c in enumerate(resultat.constats, start=e + 1):
        if suites and suites[-1][2] == c.gravite:
            suites[-1][1] = i
        else:
            suites.append([i, i, c.gravite])
    for debut, fin, gravite in suites:
        if gravite in F.COULEURS:
            ws[f"A{debut}:A{fin}"].color = F.COULEURS[gravite]
    zone_impression(ws, f"$A$1:${derniere}${n}")
    return ws


def message_resume(resume: dict[str, Any]) -> str:
    """Texte de la boîte de message de fin : comptes par gravité et où lire le détail."""
    par_gravite = resume.get("par_gravite", {})
    n = resume.get("constats", 0)
    dossiers = resume.get("dossiers", 0)
    if n == 0:
        return (f"{dossiers} dossier(s) contrôlé(s) : aucun constat. "
                f"Le détail de l'exécution est dans la feuille {F.FEUILLE_SYNTHESE}.")
    details = ", ".join(f"{par_gravite.get(g, 0)} {PLURIELS_GRAVITE[g] if par_gravite.get(g, 0) > 1 else g}"
                        for g in GRAVITES)
    return (f"{dossiers} dossier(s) contrôlé(s) : {n} constat(s) ({details}).\n\n"
            f"Les cellules en cause sont colorées (rouge : bloquant, jaune : alerte, bleu : info). "
            f"Détail ligne par ligne : feuille {F.FEUILLE_CONTROLES} ; comptes : feuille "
            f"{F.FEUILLE_SYNTHESE}.")

"""Lignes de total et de sous-total (lecture/totaux.py ; règle écrite dans regles/LISEZMOI.md) :
écartées des dossiers et dites une fois, sans jamais écarter un vrai dossier."""

from __future__ import annotations

import datetime as dt

from cdv_regles.lecture import TableauExcel, table_depuis_valeurs
from cdv_regles.verification import verifier_table

E = ["N° dossier", "Porteur", "SIRET", "Intitulé de l'action", "Coût total de l'action",
     "Montant sollicité État (politique de la ville)"]


def lire(*rangees, **options):
    return table_depuis_valeurs([["Programmation 2023"], [], E, *rangees], chemin="x",
                                feuille="Programmation", **options)


def test_total_libelle_dans_n_importe_quelle_colonne_et_sous_total():
    t = lire(["A-1", "Asso", "73282932000074", "Action", 1000, 500],
             ["A-2", "Asso", "73282932000074", "Action", 2000, 500],
             [None, "Sous-total orientation 2", None, None, 3000, 1000],
             ["A-3", "Asso", "73282932000074", "Action", 10, "5"],
             ["TOTAL", None, None, None, "3 010,00 €", "#REF!"])
    assert t.numeros == [4, 5, 7]
    assert t.totaux == [(6, "Sous-total orientation 2"), (8, "TOTAL")]


def test_un_porteur_nomme_total_sport_reste_un_dossier():
    t = lire(["A-1", "Total Sport", "73282932000074", "Foot", 1000, 500],
             [None, "Total Sport", "73282932000074", "Foot 2", 1000, 500],  # sans N° : un dossier
             [None, "Totaux", None, "Bilan", 2000, 1000])  # un texte de plus : pas un total
    assert t.numeros == [4, 5, 6] and t.totaux == []


def test_un_dossier_sans_numero_est_signale_pas_ecarte():
    from classeur_reel import grille

    colonnes, rangees = grille()
    j = {c.id: i for i, c in enumerate(colonnes)}
    sans_numero = list(rangees[0])
    sans_numero[j["numero_dossier"]] = None  # porteur « Total Sport », sans N° de dossier
    t = table_depuis_valeurs([[c.entete for c in colonnes], rangees[1], sans_numero],
                             chemin="x", feuille="Programmation")
    assert t.numeros == [2, 3] and t.totaux == []
    r = verifier_table(t, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert r.nb_dossiers == 2
    (sans,) = [c for c in r.constats if c.ligne == 3]
    assert (sans.regle, sans.gravite, sans.dossier) == ("SCH-OBLIGATOIRE", "bloquant", "ligne 3")
    assert "N° dossier" in sans.message
    assert not any(c.regle == "SCH-LIGNES-TOTAL" for c in r.constats)


def test_sommes_sans_libelle():
    dossiers = [["A-1", "Asso", "73282932000074", "Action", 1000, 500],
                ["A-2", "Asso", "73282932000074", "Action", 2000, 700]]
    t = lire(*dossiers, [None, None, None, None, 3000, 1200])
    assert t.numeros == [4, 5] and t.totaux == [(6, "montants égaux aux sommes des lignes précédentes")]
    # Des nombres qui ne sont pas les sommes : une ligne incomplète, gardée comme dossier.
    t = lire(*dossiers, [None, None, None, None, 3000, 1100])
    assert t.numeros == [4, 5, 6] and t.totaux == []


def test_total_apres_la_ligne_vide_et_donnees_oubliees_apres_lui():
    t = lire(["A-1", "Asso", "73282932000074", "Action", 1000, 500], [],
             ["Total", None, None, None, 1000, 500], [], ["A-9", "Asso", None, "Oubliée", 5, 5])
    assert t.numeros == [4] and t.totaux == [(6, "Total")]
    assert t.ligne_donnees_ignorees == 8


def test_ligne_de_total_d_un_tableau_excel_et_lignes_vides():
    grille = [E, ["A-1", "Asso", "73282932000074", "Action", 1000, 500], [None] * 6, [None] * 6,
              [None, None, None, None, 1000, 500]]
    t = table_depuis_valeurs(grille, chemin="x", feuille="Programmation", tableaux=[
        TableauExcel(ligne_entete=1, derniere_ligne=4, colonne_debut=0, colonne_fin=5, ligne_total=5)])
    assert t.numeros == [2]
    assert t.totaux == [(5, "ligne de total du Tableau Excel")]
    assert t.lignes_vides == (3, 4) and t.ligne_donnees_ignorees is None


def test_total_tape_sous_un_tableau_excel():
    grille = [E, ["A-1", "Asso", "73282932000074", "Action", 1000, 500],
              ["A-2", "Asso", "73282932000074", "Action", 1000, 500],
              ["TOTAL", None, None, None, 2000, 1000]]
    t = table_depuis_valeurs(grille, chemin="x", feuille="Programmation", tableaux=[
        TableauExcel(ligne_entete=1, derniere_ligne=3, colonne_debut=0, colonne_fin=5)])
    assert t.numeros == [2, 3] and t.totaux == [(4, "TOTAL")]

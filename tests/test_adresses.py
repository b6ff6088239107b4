"""Adresses de cellules (cdv_regles.adresses), comparées à openpyxl, qui a les siennes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter

from cdv_regles.adresses import adresse_a1, decouper_a1, lettres_colonne, numero_colonne


def test_exemples():
    assert adresse_a1(0, 1) == "A1"
    assert adresse_a1(27, 5) == "AB5"
    assert adresse_a1(16383, 1048576) == "XFD1048576"
    assert lettres_colonne(25) == "Z" and lettres_colonne(26) == "AA"


def test_toutes_les_colonnes_d_excel():
    for c in range(16384):
        lettres = lettres_colonne(c)
        assert lettres == get_column_letter(c + 1)
        assert numero_colonne(lettres) == c == column_index_from_string(lettres) - 1
        assert numero_colonne(lettres.lower().encode()) == c


@given(st.integers(0, 16383), st.integers(1, 1048576))
def test_aller_retour(colonne0, ligne):
    assert decouper_a1(adresse_a1(colonne0, ligne)) == (ligne, colonne0)


def test_adresses_absolues_et_nom_de_feuille():
    assert decouper_a1("$C$5") == (5, 2)
    assert decouper_a1("Programmation!$AB$12") == (12, 27)
    assert decouper_a1("'Feuille 1'!c5") == (5, 2)
    for illisible in ("", "5C", "C", "A1:B2", "ABCD1"):
        with pytest.raises(ValueError):
            decouper_a1(illisible)


def test_chiffres_non_ascii_refuses():
    """« C٥ » (chiffre arabe-indien) ou « C５ » (pleine chasse) n'est pas la cellule C5 : \\d les
    admettrait, int() les lirait, et une adresse tapée de travers viserait une autre cellule."""
    for illisible in ("C٥", "$C$٥", "Programmation!C５", "C1٢"):
        with pytest.raises(ValueError):
            decouper_a1(illisible)

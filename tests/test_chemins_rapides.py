"""Les chemins rapides de la lecture et de la conversion donnent exactement ce que donne le
chemin général (celui de toute valeur qu'ils ne reconnaissent pas) : mêmes lignes, mêmes
valeurs, mêmes cellules vides, sur des valeurs tirées au hasard et des valeurs piégées."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv_regles.lecture import entete
from cdv_regles.lecture.csv import _lignes
from cdv_regles.lecture.entete import construire
from cdv_regles.lecture.limites import Limites

# Espaces et caractères de contrôle que les tableurs et les copier-coller laissent dans les cellules.
PIEGES = ["", " ", "  ", "\t", "\u00a0", "\u202f", "\u2009", "\u3000", "\x1c", "\x1f", "\x85", "\v",
          "\f", "\r", "\n", "\r\n", "\u2028", "\u2029", "\x00", "\x1a", "\u200b", "\ufeff", "\xad",
          "１２３", "٣", "-", "+", "−", "€", ".", ",", "W", "w", "0", "00034", "362 521 879 00034",
          "362.521.879.00034", "12\u00a0500,00 €", "Oui", " Oui ", "Non\u00a0", "é", "e\u0301"]
_ALPHABET = st.sampled_from(PIEGES) | st.characters(codec="utf-8")
CELLULES = st.lists(_ALPHABET, max_size=4).map("".join)


@settings(max_examples=150, deadline=None)
@given(texte=st.lists(st.sampled_from(["a", ";", "\"", "\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d",
                                       "\x1e", "\x85", "\u2028", "\u2029", "é"]), max_size=40).map("".join),
       morceau=st.integers(1, 12))
def test_lignes_par_morceaux_comme_stringio(texte, morceau):
    assert list(_lignes(texte, morceau)) == list(io.StringIO(texte, newline=""))


ENTETE = ["N° dossier", "Porteur", "SIRET", "Coût total de l'action", "Autre"]


def _construire(grille, format):
    return construire(
        [list(r) for r in grille], chemin="t.csv", feuille=None, premiere_ligne=1, premiere_colonne=0,
        numeros_lignes=list(range(1, len(grille) + 1)), fusions=None, tableaux=None,
        limites=Limites.depuis_environnement(), format=format)


def _reference(grille, monkeypatch):
    """La table lue cellule par cellule, sans dictionnaire : le chemin général."""
    with monkeypatch.context() as m:
        m.setattr(entete, "_Cellules", lambda _largeur: entete._nettoyer_une_a_une)
        return _construire(grille, "grille")


def _memes_tables(a, b):
    for attr in ("entetes", "lignes", "numeros", "totaux", "ligne_donnees_ignorees", "colonnes_excel"):
        assert repr(getattr(a, attr)) == repr(getattr(b, attr)), attr


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rangees=st.lists(st.lists(CELLULES, max_size=7), max_size=12))
def test_csv_comme_cellule_par_cellule(rangees, monkeypatch):
    """Le CSV (dictionnaire des textes vus par colonne) : mêmes cellules vides (None), mêmes
    valeurs, mêmes lignes que cellule par cellule."""
    grille = [ENTETE, *rangees]
    attendu = _reference(grille, monkeypatch)
    _memes_tables(_construire(grille, "csv"), attendu)
    with monkeypatch.context() as m:  # colonnes aux valeurs toutes différentes dès la 2e rangée
        m.setattr(entete, "ESSAI_COLONNES", 2)
        _memes_tables(_construire(grille, "csv"), attendu)


_VALEURS = CELLULES | st.sampled_from([0, 1, 0.0, 1.0, True, False, float("nan"), -0.0, 12.5,
                                       dt.date(2023, 1, 2), dt.datetime(2023, 1, 2, 3, 4), ["liste"]])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rangees=st.lists(st.lists(_VALEURS, max_size=7), max_size=12))
def test_grille_comme_cellule_par_cellule(rangees, monkeypatch):
    """Une grille de classeur (nombres, dates, textes, valeur non hachable) : pareil."""
    grille = [ENTETE, *rangees]
    attendu = _reference(grille, monkeypatch)
    _memes_tables(_construire(grille, "xlsx"), attendu)
    with monkeypatch.context() as m:  # colonnes sans dictionnaire dès la 2e rangée
        m.setattr(entete, "ESSAI_COLONNES", 2)
        _memes_tables(_construire(grille, "xlsx"), attendu)


def test_csv_cellules_d_espaces_vides_partout():
    pieges = [c for c in PIEGES if c and c.isspace()]
    grille = [ENTETE, *(["D1", c, c, "1", c] for c in pieges), ["D2", "\u3000x", " ", "", "x"]]
    t = _construire(grille, "csv")
    assert t.lignes[:len(pieges)] == [["D1", None, None, "1", None]] * len(pieges)
    assert t.lignes[-1] == ["D2", "\u3000x", None, None, "x"]


_TEXTES = st.lists(st.sampled_from([*PIEGES, "12345678900007", "W590000000", "w590000000", "W59 000 0000",
                                    "2023-00001", "a", " ", "\t"]) | st.characters(codec="utf-8"),
                   max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(textes=st.lists(_TEXTES, unique=True, max_size=30))
def test_lots_de_textes_comme_les_lecteurs(textes):
    from cdv_regles import valeurs as v

    for lot, lecteur in ((v.lire_textes, v.lire_texte), (v.lire_sirets, v.lire_siret), (v.lire_rnas, v.lire_rna)):
        assert lot(textes) == [lecteur(t) for t in textes], lecteur.__name__


def test_lots_de_textes_pieges():
    from cdv_regles import valeurs as v

    textes = [*PIEGES, *(a + p + b for p in PIEGES for a in ("", "1", "w", "W1") for b in ("", "9", " "))]
    textes = list(dict.fromkeys(textes))
    for lot, lecteur in ((v.lire_textes, v.lire_texte), (v.lire_sirets, v.lire_siret), (v.lire_rnas, v.lire_rna)):
        assert lot(textes) == [lecteur(t) for t in textes], lecteur.__name__
        assert lot(["12345678900007", "W590000000"]) == [lecteur("12345678900007"), lecteur("W590000000")]


def test_conversion_avec_et_sans_lots_de_textes():
    """Une colonne qui mêle textes, nombres (une seule classe : le lot sert), dates et vides
    (classeur) : la même lecture, les mêmes illisibles, que la lecture valeur par valeur."""
    from cdv_regles import conversion
    from cdv_regles.catalogue import construire as catalogue
    from cdv_regles.greffons import charger
    from cdv_regles.lecture import table_depuis_valeurs

    cat = catalogue(charger(), 2023)
    ids = ("numero_dossier", "porteur", "siret", "rna", "intitule")
    colonnes = tuple(c for c in cat.colonnes if c.id in ids)
    valeurs = ["D1", "  D2 ", 12.0, dt.date(2023, 1, 2), None, "\u00a0", "1\u00a0234", "w12", "\v x",
               "362 521 879 00034", float("nan")]
    grille = [[next(c.entete for c in colonnes if c.id == i) for i in ids],
              *([f"N{i}", x, x, x, x] for i, x in enumerate(valeurs))]
    brute = table_depuis_valeurs(grille, chemin="t.xlsx", feuille="F")
    avec = conversion.convertir(brute, colonnes, cat.referentiels)
    origine = conversion._lire_colonne
    try:
        conversion._lire_colonne = lambda *a: origine(*a[:6])
        sans = conversion.convertir(brute, colonnes, cat.referentiels)
    finally:
        conversion._lire_colonne = origine
    assert repr(avec.colonnes) == repr(sans.colonnes)
    assert [(i.colonne.id, i.ligne, i.detail) for i in avec.illisibles] == \
        [(i.colonne.id, i.ligne, i.detail) for i in sans.illisibles]
    assert avec.colonnes["porteur"][:3] == ["D1", "D2", "12"]



def _enregistrements(lecteur, enregistrements):
    """Les enregistrements, puis l'erreur et sa ligne s'il y en a une."""
    vus = []
    try:
        vus.extend(enregistrements)
    except csv.Error as e:
        vus.append(("erreur", str(e), lecteur.line_num))
    return vus


@settings(max_examples=400, deadline=None)
@given(texte=st.lists(st.sampled_from(["a", "é", " ", ";", ",", "\t", '"', '""', "\r", "\n", "\r\n", "\v",
                                       "\u2028", "\x1c", "xxxxxx"]), max_size=40).map("".join),
       separateur=st.sampled_from([";", ",", "\t"]), limite=st.sampled_from([4, 131_072]))
def test_lecteur_csv_comme_le_module_csv(texte, separateur, limite):
    """Lignes sans guillemet découpées par split, les autres par le module csv : les mêmes
    enregistrements, les mêmes erreurs à la même ligne, que le module csv seul."""
    from cdv_regles.lecture.csv import _Lecteur

    avant = csv.field_size_limit(limite)
    try:
        module = csv.reader(_lignes(texte), delimiter=separateur, strict=True)
        attendu = _enregistrements(module, module)
        lecteur = _Lecteur(_lignes(texte), separateur)
        assert _enregistrements(lecteur, iter(lecteur)) == attendu
    finally:
        csv.field_size_limit(avant)


@settings(max_examples=200, deadline=None)
@given(valeurs=st.lists(st.sampled_from([0.0, -0.0, 1.0, 1, True, False, 0, -1.5, 1e16, float("nan"),
                                          float("inf"), 20000.0, 20000, "0", None, dt.date(2023, 1, 2)])
                        | st.floats(), max_size=30),
       sorte=st.sampled_from([None, "montant", "pourcent", "nombre", "date", "texte"]))
def test_textes_des_messages_comme_valeur_par_valeur(valeurs, sorte):
    """Les textes mis en mémoire par valeur (moteur._textes) : ceux de formater_valeur, un à un
    (0.0 et -0.0, 1 et 1.0 et True ne partagent pas leur texte)."""
    from cdv_regles.moteur import _textes, formater_valeur

    assert _textes(valeurs, sorte) == [formater_valeur(x, sorte) for x in valeurs]

"""Le CSV lu par colonnes (polars, :mod:`cdv_regles.lecture.csv_colonnes`) donne exactement ce
que donne la lecture ligne à ligne : mêmes en-têtes, lignes, cellules, numéros, totaux, lignes
ignorées, mêmes erreurs — puis, convertie, la même table typée (cellules illisibles comprises)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv_regles.contrat import colonnes_socle
from cdv_regles.conversion import convertir
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture import csv_colonnes, lire_table
from cdv_regles.lecture.limites import Limites
from cdv_regles.parametres import referentiels_du_millesime

ENTETE = "N° dossier;Porteur;SIRET;Coût total de l'action;Date de début de l'action;Action reconduite"
CELLULES = ["", " ", "\u00a0", "\t", "D1", "2023-001", "Total", "TOTAL", "Sous-total 1", "Totaux",
            "sport", "1000", "1 000,00 €", "12,5", "abc", "01/02/2023", "2023-13-45", "Oui", "non",
            "SO", "✓", "x", '"', '""', '"a;b"', '"a\nb"', '"a\r\nb"', '"a\rb"', "a\rb", '"x"y', "é",
            "362 521 879 00034",
            "#REF!", "\u3000", "\u200b", "-"]
_CELLULE = st.sampled_from(CELLULES) | st.text(alphabet="ab; \"\u00a0é1,", max_size=4)
_LIGNES = st.lists(st.lists(_CELLULE, max_size=8), max_size=25)
_AVANT = st.lists(st.sampled_from(["Programmation 2023", "", ";;", "Contrat de ville;;x"]), max_size=3)


@pytest.fixture(autouse=True)
def _meme_les_petits_fichiers(monkeypatch):
    """Les fichiers de ces tests sont petits : lus par colonnes quand même (sauf ``admissible``)."""
    monkeypatch.setattr(csv_colonnes, "TAILLE_MIN", 0)


def test_un_petit_fichier_se_lit_ligne_a_ligne_un_grand_par_colonnes(tmp_path, monkeypatch):
    monkeypatch.undo()
    chemin = tmp_path / "t.csv"
    lignes = [ENTETE] + [f"2023-{k:04};Asso {k};;1 000,00 €;01/02/2023;Non" for k in range(1, 301)]
    chemin.write_text("\n".join(lignes), encoding="utf-8")
    petit = lire_table(chemin)
    assert not isinstance(petit.colonnes[0], pl.Series) and len(petit.numeros) == 300
    monkeypatch.setattr(csv_colonnes, "TAILLE_MIN", len(chemin.read_text(encoding="utf-8")))
    grand = lire_table(chemin)
    assert isinstance(grand.colonnes[0], pl.Series)
    assert _vue(grand) == _vue(petit)


def _lire(chemin, monkeypatch, par_colonnes):
    with monkeypatch.context() as m:
        if not par_colonnes:
            m.setattr(csv_colonnes, "admissible", lambda _texte: False)
        try:
            return lire_table(chemin, limites=Limites(lignes_max=40))
        except EntreeInvalide as e:
            return e


def _vue(table):
    if isinstance(table, EntreeInvalide):
        return ("erreur", table.message)
    return (table.entetes, table.colonnes_excel, table.lignes, table.numeros, table.ligne_entete,
            table.totaux, table.ligne_donnees_ignorees, table.format)


def _typee(table):
    if isinstance(table, EntreeInvalide):
        return None
    try:
        t = convertir(table, colonnes_socle(), referentiels_du_millesime(2023))
    except EntreeInvalide as e:
        return e.message
    return (t.colonnes, t.lignes, [(i.colonne.id, i.ligne, i.cellule, i.valeur, i.detail) for i in t.illisibles],
            t.sans_objet, t.totaux)


def _comparer(tmp_path, monkeypatch, texte, encodage="utf-8"):
    chemin = tmp_path / "t.csv"
    chemin.write_bytes(texte.encode(encodage))
    lent = _lire(chemin, monkeypatch, False)
    rapide = _lire(chemin, monkeypatch, True)
    assert _vue(rapide) == _vue(lent)
    assert _typee(rapide) == _typee(lent)
    return rapide


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(avant=_AVANT, lignes=_LIGNES, fin=st.sampled_from(["\n", "\r\n"]), finale=st.booleans(),
       separateur=st.sampled_from([";", ";", ",", "\t"]))
def test_par_colonnes_comme_ligne_a_ligne(tmp_path, monkeypatch, avant, lignes, fin, finale, separateur):
    corps = [separateur.join(cellules) for cellules in lignes]
    texte = fin.join([*avant, ENTETE.replace(";", separateur), *corps]) + (fin if finale else "")
    _comparer(tmp_path, monkeypatch, texte)


def test_le_chemin_par_colonnes_est_pris(tmp_path, monkeypatch):
    """Le grand cas courant (guillemets, total, ligne vide puis données) passe bien par polars."""
    lignes = [f"2023-{k:03};Porteur {k};;1 000,00 €;01/02/2023;Oui" for k in range(50)]
    lignes[10] = '2023-010;"Asso ; quartier";;"2 000,00 €";01/02/2023;"Non"'
    lignes[11] = '2023-011;"Sur\r\ndeux lignes";;500;01/02/2023;Oui'
    texte = "\r\n".join(["Programmation 2023", "", ENTETE, *lignes, "TOTAL;;;50 000,00 €;;", "",
                         "oubli;;;;;"]) + "\r\n"
    chemin = tmp_path / "t.csv"
    chemin.write_bytes(texte.encode("cp1252"))
    table = lire_table(chemin)
    assert isinstance(table.colonnes[0], pl.Series)
    assert table.numeros[:12] == list(range(4, 16)) and table.numeros[-1] == 53
    assert table.lignes[10] == ["2023-010", "Asso ; quartier", None, "2 000,00 €", "01/02/2023", "Non"]
    assert table.lignes[11][1] == "Sur\r\ndeux lignes"
    assert table.totaux == [(54, "TOTAL")] and table.ligne_donnees_ignorees == 56
    _comparer(tmp_path, monkeypatch, texte, "cp1252")


@pytest.mark.parametrize("texte", [
    ENTETE + "\n" + 'D1;"pas fermé;x\n',                      # fin de fichier dans les guillemets
    ENTETE + "\n" + "D1;a;b\n" + 'D2;"a"b;c\n',                # guillemet fermant suivi d'un texte
    ENTETE + "\n" + "D1;" + "x" * 200_000 + "\n",              # cellule trop longue
    ENTETE + "\n" + "\n".join(f"D{k};a;b;1" for k in range(60)),  # plus de lignes que la limite
    ENTETE + "\r\nD1;a\nD2;b\r\n",                              # fins de ligne mêlées
    ENTETE + "\nD1;a\x1fb\n",                                   # \x1f : une espace pour Python
    ENTETE + "\n\ufeffD1;a\n",                                  # marque d'ordre en tête du corps
    ENTETE + "\n" + ";;;\n" * 3 + "D9;z\n",                     # données après des lignes vides
    ENTETE + "\n" + '"D1";"a\n\nb";c\nD2;x\n',                  # cellule avec une ligne vide dedans
])
def test_cas_limites(tmp_path, monkeypatch, texte):
    _comparer(tmp_path, monkeypatch, texte)


def _lu_des_deux_facons(chemin, monkeypatch):
    lent = _lire(chemin, monkeypatch, False)
    rapide = _lire(chemin, monkeypatch, True)
    assert not isinstance(rapide, EntreeInvalide), rapide.message
    assert _vue(rapide) == _vue(lent) and _typee(rapide) == _typee(lent)
    return rapide


def test_csv_exporte_comme_excel(tmp_path, monkeypatch):
    """L'export d'Excel en France (titre, Windows-1252, « ; », CRLF, cellules sur plusieurs
    lignes, TOTAL) : par colonnes comme ligne à ligne."""
    from classeur_reel import ecrire_csv

    table = _lu_des_deux_facons(ecrire_csv(tmp_path / "export.csv", saisies_types=True), monkeypatch)
    assert isinstance(table.colonnes[0], pl.Series) and table.totaux


@pytest.mark.parametrize("options", ["59,34,76,1", "59,34,1,1"])  # « ; », guillemets, UTF-8 ou Windows-1252
def test_csv_exporte_par_libreoffice(tmp_path, monkeypatch, options):
    """Le classeur xlsxwriter (filtre, sous-total, TOTAL) enregistré en CSV par LibreOffice : lu
    par colonnes comme ligne à ligne, les mêmes dossiers que le classeur."""
    from classeur_reel import convertir, ecrire_xlsx, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé (.ci/run l'installe)")
    classeur = ecrire_xlsx(tmp_path / "filtre.xlsx", tableau=False, saisies_types=True)
    convertir(classeur, f"csv:Text - txt - csv (StarCalc):{options}", tmp_path / "lo")
    export = tmp_path / "lo" / "filtre.csv"
    table = _lu_des_deux_facons(export, monkeypatch)
    assert isinstance(table.colonnes[0], pl.Series)
    assert table.numeros == lire_table(classeur).numeros

"""Lecture bornée : un fichier hostile est refusé (message français, statut 2), jamais lu en entier.

Les corpus sont fabriqués ici, en flux (``tests/hostiles.py``) : quelques centaines de Ko sur le
disque, des dizaines de Mo une fois décompressés. Le temps et la mémoire ne sont pas mesurés ici
(``benchmarks/lecture_bornee.py`` les mesure, jusqu'au Go) : chaque test vérifie le refus et son
message, et, quand c'est la promesse, que la partie coûteuse n'est pas lue.
"""

from __future__ import annotations

import zipfile

import hostiles
import pytest
from click.testing import CliRunner
from hostiles import sans_anglais

from cdv_regles.cli import cdv_regles
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture import Limites, lire_table


def verifier(chemin, **env: str):
    """``cdv-regles verifier`` sur le fichier : (statut, sortie)."""
    r = CliRunner().invoke(cdv_regles, ["verifier", str(chemin), "--date", "2023-03-01"], env=env)
    return r.exit_code, r.output


def refus(chemin, fragment: str, **env: str) -> str:
    statut, sortie = verifier(chemin, **env)
    assert statut == 2, sortie
    assert fragment in sortie, sortie
    assert "Traceback" not in sortie
    sans_anglais(sortie, chemin)
    return sortie


# --- chaînes partagées -------------------------------------------------------------------------

def test_chaines_partagees_jamais_citees(tmp_path):
    # 6 millions de chaînes (100 Mo décompressés, 200 Ko sur le disque) : calamine les chargerait
    # toutes à l'ouverture. Refus avant, avec la variable qui relève la limite.
    chemin = hostiles.chaines_non_citees(tmp_path / "chaines.xlsx", 100 * hostiles.MO)
    assert chemin.stat().st_size < 2 * hostiles.MO
    sortie = refus(chemin, "textes différents")
    assert "CDV_REGLES_CHAINES_MAX" in sortie


def test_chaines_partagees_trop_grosses(tmp_path):
    chemin = hostiles.chaines_non_citees(tmp_path / "grosses.xlsx", 3 * hostiles.MO)
    sortie = refus(chemin, "chaînes partagées", CDV_REGLES_CHAINES_TAILLE_MAX="2")
    assert "dépassent 2 Mo" in sortie and "CDV_REGLES_CHAINES_TAILLE_MAX (en Mo)" in sortie


def test_chaines_partagees_sous_les_limites_le_tableau_se_lit(tmp_path):
    chemin = hostiles.chaines_non_citees(tmp_path / "peu.xlsx", 17_000)
    t = lire_table(chemin)
    assert t.entetes == hostiles.ENTETES and t.lignes == [["D1", "Asso", "73282932000074", "1000"]]


# --- feuille sans tableau : pas lue au-delà de ses premières lignes ---------------------------

def test_feuille_de_textes_sans_en_tetes_n_est_pas_chargee(tmp_path, monkeypatch):
    chemin = hostiles.chaines_en_ligne_sans_tableau(tmp_path / "textes.xlsx", 40 * hostiles.MO)
    assert chemin.stat().st_size < 4 * hostiles.MO
    # La feuille n'est ni décompressée en entier ni confiée à calamine.
    from cdv_regles.lecture import calamine

    chargees = []
    origine = calamine._lire_feuille
    monkeypatch.setattr(calamine, "_lire_feuille",
                        lambda classeur, feuille, *a: chargees.append(feuille) or origine(classeur, feuille, *a))
    lus = []
    ouvrir = zipfile.ZipFile.open

    def open_compte(self, nom, *a, **k):
        flux = ouvrir(self, nom, *a, **k)
        lecture = flux.read

        def read(n=-1):
            morceau = lecture(n)
            lus.append((getattr(nom, "filename", nom), len(morceau)))
            return morceau
        flux.read = read
        return flux
    monkeypatch.setattr(zipfile.ZipFile, "open", open_compte)
    with pytest.raises(EntreeInvalide) as e:
        lire_table(chemin)
    assert "Aucun tableau de programmation trouvé" in e.value.message
    assert chargees == []
    feuille = sum(n for membre, n in lus if membre == "xl/worksheets/sheet1.xml")
    assert feuille < 17 * hostiles.MO, feuille  # l'aperçu : au plus 16 Mo, ici bien moins
    monkeypatch.undo()
    refus(chemin, "Aucun tableau de programmation trouvé")


def test_en_tetes_dans_les_premieres_lignes_la_feuille_est_lue(tmp_path):
    # Le même aperçu ne doit pas écarter une feuille dont l'en-tête vient après 20 lignes de titre.
    lignes = [hostiles._rangee(n, [f"Titre {n}"]) for n in range(1, 21)]
    lignes += [hostiles._rangee(21, hostiles.ENTETES), hostiles._rangee(22, ["D1", "A", "S", "1"])]
    chemin = hostiles._ecrire(tmp_path / "titres.xlsx", hostiles._feuille(lignes), hostiles._chaines(0))
    t = lire_table(chemin)
    assert t.ligne_entete == 21 and t.lignes == [["D1", "A", "S", "1"]]


def test_csv_sans_tableau_refuse_sans_tout_lire(tmp_path):
    chemin = hostiles.csv_sans_tableau(tmp_path / "texte.csv", 400_000)
    refus(chemin, "Aucun tableau de programmation trouvé")


# --- cellules et lignes : limites atteintes, lecture arrêtée --------------------------------

def test_trop_de_cellules_dans_la_feuille(tmp_path):
    chemin = hostiles.cellules_en_nombre(tmp_path / "cellules.xlsx", 3000, colonnes=40)
    sortie = refus(chemin, "cellules remplies", CDV_REGLES_CELLULES_MAX="100000")
    assert "plus de 100 000" in sortie and "CDV_REGLES_CELLULES_MAX" in sortie
    # L'inspection s'arrête à la limite : la feuille n'est pas décompressée jusqu'au bout.
    from cdv_regles.lecture.archive import inspecter_archive

    archive = inspecter_archive(chemin, str(chemin), Limites(cellules_max=10_000))
    assert 10_000 < archive.feuilles["xl/worksheets/sheet1.xml"].cellules < 40 * 3000
    # Sous la limite par défaut, le même fichier se lit.
    assert len(lire_table(chemin).lignes) == 3000


def test_trop_de_lignes(tmp_path):
    chemin = hostiles.cellules_en_nombre(tmp_path / "lignes.xlsx", 1500, colonnes=4)
    sortie = refus(chemin, "plus de 1 000 lignes", CDV_REGLES_LIGNES_MAX="1000")
    assert "CDV_REGLES_LIGNES_MAX" in sortie
    # Bien au-delà : refus par l'inspection de l'archive, avant que calamine charge la feuille.
    chemin = hostiles.cellules_en_nombre(tmp_path / "loin.xlsx", 3000, colonnes=4)
    sortie = refus(chemin, "très loin du tableau", CDV_REGLES_LIGNES_MAX="1000")
    assert "CDV_REGLES_LIGNES_MAX" in sortie


def test_decompression_au_dela_de_la_limite(tmp_path):
    chemin = hostiles.chaines_en_ligne_sans_tableau(tmp_path / "bombe.xlsx", 30 * hostiles.MO)
    # Feuille lisible (une en-tête en tête) mais archive trop grosse une fois décompressée.
    sortie = refus(chemin, "se décompresse en plus de 10 Mo", CDV_REGLES_TAILLE_DECOMPRESSEE_MAX="10")
    assert "CDV_REGLES_TAILLE_DECOMPRESSEE_MAX (en Mo)" in sortie


def test_fichier_trop_gros_nomme_sa_variable(tmp_path):
    chemin = hostiles.csv_sans_tableau(tmp_path / "gros.csv", 80_000)  # ~2 Mo
    sortie = refus(chemin, "plus que la limite de 1 Mo", CDV_REGLES_TAILLE_MAX="1")
    assert "CDV_REGLES_TAILLE_MAX (en Mo)" in sortie


def test_limites_par_defaut():
    # Un tableau de 100 000 dossiers passe (CSV ~50 Mo) ; un contrat de ville en a quelques centaines.
    limites = Limites.depuis_environnement({})
    assert limites.taille_fichier_max >= 100 * hostiles.MO
    assert limites.lignes_max >= 100_000
    assert limites.cellules_max >= 100_000 * 40


# --- CSV : messages clairs -------------------------------------------------------------------

def test_csv_une_cellule_geante_pas_de_message_anglais(tmp_path):
    chemin = hostiles.csv_ligne_geante(tmp_path / "geante.csv", 3 * hostiles.MO)
    sortie = refus(chemin, "mal formé à la ligne 2")
    assert "une cellule dépasse" in sortie and "guillemet" in sortie


def test_csv_utf8_avec_une_ligne_windows_1252(tmp_path):
    entetes = ";".join([*hostiles.ENTETES, "Intitulé de l'action"])
    texte = (entetes + "\r\nD1;Asso;73282932000074;1000;Fête\r\n").encode("utf-8")
    texte += "D2;Café des enfants;73282932000074;500;Été\r\n".encode("cp1252")
    texte += "D3;Réussite;73282932000074;300;Cinéma\r\n".encode()
    chemin = tmp_path / "melange.csv"
    chemin.write_bytes(texte)
    sortie = refus(chemin, "mélange deux encodages")
    assert "sauf la ligne 3" in sortie and "« é », octet 0xE9" in sortie
    assert "CSV (séparateur : point-virgule)" in sortie
    assert "colonnes obligatoires" not in sortie


def test_csv_windows_1252_pur_reste_lu(tmp_path):
    texte = ";".join(hostiles.ENTETES) + "\r\nD1;Café;73282932000074;1000\r\n"
    chemin = tmp_path / "cp1252.csv"
    chemin.write_bytes(texte.encode("cp1252"))
    assert lire_table(chemin).lignes == [["D1", "Café", "73282932000074", "1000"]]


def test_erreur_du_systeme_en_francais(tmp_path):
    (tmp_path / "f.csv").write_text("x")
    sortie = refus(tmp_path / "f.csv" / "x", "ne peut pas être lu")
    assert "n'est pas un dossier" in sortie

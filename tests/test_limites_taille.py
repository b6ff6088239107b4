"""Limites de taille (15.5) : un tableau trop gros est refusé avec la variable qui relève la limite
et la valeur à lui donner ; les limites par défaut laissent passer 100 000 dossiers du banc.

Les tableaux sont ceux du banc d'essai (``benchmarks/generer.py`` : CSV exporté comme par Excel
en français, xlsx écrit comme Excel), en petit ; rien n'est chronométré ici.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostiles import sans_anglais

from cdv_regles.cli import cdv_regles
from cdv_regles.lecture import Limites
from cdv_regles.lecture.limites import MO, valeur_suffisante

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generer  # module du banc d'essai (benchmarks/), pas un paquet


@pytest.fixture(scope="module")
def tableaux(tmp_path_factory) -> dict[str, Path]:
    """1 000 dossiers du banc (~30 % fautifs) en CSV (~0,4 Mo) et en xlsx écrit comme Excel."""
    dossier = tmp_path_factory.mktemp("banc")
    fichiers = generer.tableaux(dossier, [(1000, "csv"), (1000, "partage.xlsx")])
    return {"csv": fichiers[1000, "csv"], "xlsx": fichiers[1000, "partage.xlsx"]}


def verifier(chemin: Path, **env: str):
    r = CliRunner().invoke(cdv_regles, ["verifier", str(chemin), "--date", "2023-03-01"], env=env)
    return r.exit_code, r.output


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_trop_gros_refuse_avec_la_variable_et_la_valeur_qui_le_laissent_passer(tableaux, fmt):
    # La variable compte en Mo : le tableau est grossi au-delà de 1 Mo, la plus petite limite.
    chemin = tableaux[fmt]
    gros = chemin.with_name(f"gros.{chemin.suffix.lstrip('.')}")
    if fmt == "csv":
        entete, *lignes = chemin.read_bytes().split(b"\r\n")
        corps = [ligne for ligne in lignes if ligne]
        # Mêmes dossiers, numéros distincts : ~1,3 Mo.
        copies = [re.sub(rb"^2023-", f"2023-{k}".encode(), ligne) for k in range(3) for ligne in corps]
        gros.write_bytes(b"\r\n".join([entete, *copies]) + b"\r\n")
    else:
        with zipfile.ZipFile(chemin) as source, zipfile.ZipFile(gros, "w", zipfile.ZIP_STORED) as cible:
            for membre in source.infolist():  # sans compression : même classeur, ~8 fois plus gros
                cible.writestr(membre.filename, source.read(membre), zipfile.ZIP_STORED)
    assert gros.stat().st_size > MO

    statut, sortie = verifier(gros, CDV_REGLES_TAILLE_MAX="1")
    assert statut == 2, sortie
    assert "Traceback" not in sortie
    sans_anglais(sortie, gros)
    attendu = valeur_suffisante(gros.stat().st_size, MO)
    assert "plus que la limite de 1 Mo" in sortie
    assert (f"augmentez la limite avec la variable d'environnement CDV_REGLES_TAILLE_MAX (en Mo), "
            f"par exemple CDV_REGLES_TAILLE_MAX={attendu}") in " ".join(sortie.split()), sortie

    # La valeur proposée suffit : le tableau est lu et vérifié (1 : constats bloquants trouvés).
    statut, sortie = verifier(gros, CDV_REGLES_TAILLE_MAX=str(attendu))
    assert statut == 1, sortie
    assert "dossier(s) vérifié(s)" in sortie


def test_valeur_suffisante_ronde_et_au_dessus_de_ce_qui_est_vu():
    assert valeur_suffisante(int(115.6 * MO), MO) == 120
    assert valeur_suffisante(2 * MO, MO) == 10
    assert valeur_suffisante(5_026_696) == 5_100_000
    for vu in (1, 999, 10**6, 123_456_789, 51 * MO):
        assert valeur_suffisante(vu, MO) * MO > vu and valeur_suffisante(vu) > vu


def test_les_limites_par_defaut_laissent_passer_100_000_dossiers_du_banc(tableaux):
    # Extrapolé de 1 000 dossiers (la taille croît avec le nombre de dossiers), avec 20 % de marge
    # pour des textes plus longs : le CSV, le classeur (fichier, archive décompressée, cellules
    # remplies, chaînes partagées) et les lignes passent les limites par défaut.
    limites, facteur = Limites.depuis_environnement({}), 100 * 1.2
    assert tableaux["csv"].stat().st_size * facteur < limites.taille_fichier_max
    assert tableaux["xlsx"].stat().st_size * facteur < limites.taille_fichier_max
    with zipfile.ZipFile(tableaux["xlsx"]) as z:
        assert sum(m.file_size for m in z.infolist()) * facteur < limites.taille_decompressee_max
        feuille = z.read("xl/worksheets/sheet1.xml")
        chaines = z.read("xl/sharedStrings.xml")
    assert feuille.count(b"<c ") * facteur < limites.cellules_max
    assert chaines.count(b"<si>") * facteur < limites.chaines_max
    assert len(chaines) * facteur < limites.chaines_taille_max
    assert limites.lignes_max > 100_000

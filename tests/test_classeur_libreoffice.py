"""Le classeur généré ouvert par un vrai tableur : LibreOffice Calc sans écran.

Sauté si LibreOffice n'est pas installé (``apt-get install -y libreoffice-calc poppler-utils``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdv_regles.classeur import feuilles as F
from cdv_regles.cli import cdv_regles

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) n'est pas installé")


def convertir(source: Path, format_: str, dossier: Path) -> Path:
    profil = dossier / "profil-libreoffice"
    sortie = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profil}", "--headless", "--norestore",
         "--convert-to", format_, "--outdir", str(dossier), str(source)],
        capture_output=True, text=True, timeout=240, check=False,
    )
    resultat = dossier / f"{source.stem}.{format_}"
    assert resultat.is_file(), f"LibreOffice n'a rien produit : {sortie.stdout} {sortie.stderr}"
    return resultat


@pytest.fixture(scope="module")
def classeur_genere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sortie = tmp_path_factory.mktemp("lo") / "programmation-2023.xlsm"
    r = CliRunner().invoke(cdv_regles, ["classeur", "nouveau", "--millesime", "2023", "--sortie", str(sortie)])
    assert r.exit_code == 0, r.output
    return sortie


def test_libreoffice_rend_le_classeur_en_pdf(classeur_genere: Path, tmp_path: Path) -> None:
    pdf = convertir(classeur_genere, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent : PDF produit mais texte non relu")
    texte = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    # Les trois feuilles sont imprimées : en-têtes du tableau, listes, configuration.
    assert "N° dossier" in texte and "Porteur" in texte
    assert "Listes des menus déroulants" in texte and "Association" in texte
    assert "Interpreter_Win" in texte


def test_libreoffice_voit_tableau_listes_bouton_et_macro(classeur_genere: Path, tmp_path: Path) -> None:
    ods = convertir(classeur_genere, "ods", tmp_path)
    with zipfile.ZipFile(ods) as z:
        contenu = z.read("content.xml").decode()
        noms = z.namelist()
    assert re.search(rf'table:database-range table:name="{F.TABLEAU}" '
                     rf'table:target-range-address="{F.FEUILLE_PROGRAMMATION}\.A1:', contenu)
    assert "of:cell-content-is-in-list(liste_types_porteur)" in contenu
    bouton = re.search(r"<form:button [^>]*form:label=\"([^\"]*)\"", contenu)
    assert bouton and bouton.group(1) == F.LIBELLE_BOUTON
    # Le clic du bouton appelle la macro Verifier du module Verification.
    assert "vnd.sun.star.script:VBAProject.Verification.Verifier?" in contenu
    assert "Basic/VBAProject/Verification.xml" in noms and "Basic/VBAProject/xlwings.xml" in noms

"""Le gabarit de greffon : ``cdv-regles nouveau-plugin NOM``.

Le test principal fait ce que ferait l'auteur d'un greffon : générer le paquet, l'installer
(vraie installation éditable dans un environnement virtuel temporaire qui voit aussi
cdv-regles et ses greffons), vérifier que ``cdv-regles plugins`` le liste, et lancer pytest sur
son dossier : les exemples de sa règle s'exécutent et passent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdv_regles.cli import cdv_regles


def nouveau(*args: str) -> object:
    return CliRunner().invoke(cdv_regles, ["nouveau-plugin", *args], catch_exceptions=False)


def contenu(dossier: Path) -> dict[str, bytes]:
    return {str(p.relative_to(dossier)): p.read_bytes() for p in sorted(dossier.rglob("*")) if p.is_file()}


def test_genere_un_paquet_complet(tmp_path: Path) -> None:
    r = nouveau("pole-emploi", "--dossier", str(tmp_path), "--partenaire", "Pôle emploi")
    assert r.exit_code == 0, r.output
    racine = tmp_path / "cdv-regles-pole-emploi"
    assert sorted(contenu(racine)) == [
        "README.md", "pyproject.toml", "src/cdv_regles_pole_emploi/__init__.py",
        "src/cdv_regles_pole_emploi/regles/parametres.yaml",
        "src/cdv_regles_pole_emploi/regles/priorites.yaml",
    ]
    pyproject = (racine / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "cdv-regles-pole-emploi"' in pyproject
    assert '[project.entry-points.cdv_regles]\npole-emploi = "cdv_regles_pole_emploi:greffon"' in pyproject
    assert "hatchling" in pyproject and '"cdv-regles"' in pyproject
    # Rien de temporaire ne reste à côté.
    assert [p.name for p in tmp_path.iterdir()] == ["cdv-regles-pole-emploi"]
    assert "Pôle emploi" in r.stdout and "cdv-regles greffons" in r.stdout


def test_le_code_genere_passe_ruff(tmp_path: Path) -> None:
    nouveau("pole-emploi", "--dossier", str(tmp_path))
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff introuvable : il fait partie du groupe dev (uv sync)")
    r = subprocess.run([ruff, "check", "--no-cache", "--isolated", "--select", "E,F,W,I,UP,B",
                        "--line-length", "120", str(tmp_path)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_un_financeur_connu_garde_sa_colonne_et_sa_cle() -> None:
    from cdv_regles.gabarit.generation import decrire

    g = decrire("caf-nord", None)
    assert (g.cle, g.colonne, g.colonne_ajoutee, g.nom_partenaire) == ("caf", "montant_caf", False, "CAF du Nord")
    nouveau_venu = decrire("cdv-regles-pole-emploi", "Pôle emploi")
    assert (nouveau_venu.nom, nouveau_venu.cle, nouveau_venu.colonne, nouveau_venu.colonne_ajoutee) == \
        ("pole-emploi", "pole_emploi", "montant_pole_emploi", True)


def test_n_ecrase_jamais_un_dossier_existant(tmp_path: Path) -> None:
    existant = tmp_path / "cdv-regles-pole-emploi"
    existant.mkdir()
    (existant / "mes-notes.txt").write_text("à garder", encoding="utf-8")
    avant = contenu(existant)
    r = nouveau("pole-emploi", "--dossier", str(tmp_path))
    assert r.exit_code == 2
    assert "existe déjà" in r.stderr and "rien n'a été écrit" in r.stderr
    assert "Traceback" not in r.output
    assert contenu(existant) == avant
    assert [p.name for p in tmp_path.iterdir()] == ["cdv-regles-pole-emploi"]


def test_deuxieme_generation_refusee_sans_toucher_la_premiere(tmp_path: Path) -> None:
    assert nouveau("pole-emploi", "--dossier", str(tmp_path)).exit_code == 0
    racine = tmp_path / "cdv-regles-pole-emploi"
    (racine / "README.md").write_text("modifié par l'auteur", encoding="utf-8")
    avant = contenu(racine)
    r = nouveau("pole-emploi", "--dossier", str(tmp_path), "--partenaire", "Autre nom")
    assert r.exit_code == 2
    assert contenu(racine) == avant


@pytest.mark.parametrize(("args", "attendu"), [
    (["Pôle-Emploi"], "nom de greffon « Pôle-Emploi » invalide"),
    ([], "Argument manquant"),
    (["mon--greffon"], "invalide"),
    (["region-hdf"], "déjà installé"),
    (["pole-emploi", "--partenaire", 'Pôle "emploi"'], "caractères non admis"),
    (["pole-emploi", "--dossier", "n-existe-pas"], "n'existe pas"),
])
def test_mauvaises_entrees_statut_2_et_message_francais(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         args: list[str], attendu: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    r = nouveau(*args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    if attendu:
        assert attendu in r.stderr
    assert list(tmp_path.iterdir()) == []


def _environnement_virtuel(dossier: Path) -> Path:
    """Un venv qui voit les paquets de l'environnement courant (cdv-regles, greffons, pytest)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dossier)], check=True)
    python = dossier / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site_venv = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    # addsitedir traite aussi les .pth de l'environnement courant (installations éditables).
    parent = sysconfig.get_paths()["purelib"]
    Path(site_venv, "cdv_regles_parent.pth").write_text(f"import site; site.addsitedir({parent!r})\n",
                                                        encoding="utf-8")
    return python


def test_generer_installer_lister_et_tester_le_greffon(tmp_path: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.fail("uv introuvable : ce test installe le greffon généré avec « uv pip install »")
    assert nouveau("pole-emploi", "--dossier", str(tmp_path), "--partenaire", "Pôle emploi").exit_code == 0
    paquet = tmp_path / "cdv-regles-pole-emploi"
    python = _environnement_virtuel(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("CDV_REGLES_DESACTIVER", "VIRTUAL_ENV")}

    installe = subprocess.run([uv, "pip", "install", "--python", str(python), "--no-deps", "--offline",
                               "--quiet", "-e", str(paquet)], capture_output=True, text=True, env=env, check=False)
    assert installe.returncode == 0, installe.stderr

    liste = subprocess.run([str(python), "-m", "cdv_regles", "plugins", "--format", "json",
                            "--millesime", "2023"],
                           capture_output=True, text=True, env=env, check=False)
    assert liste.returncode == 0, liste.stdout + liste.stderr
    greffons = {g["nom"]: g for g in json.loads(liste.stdout)["greffons"]}
    assert greffons["pole-emploi"]["nom_partenaire"] == "Pôle emploi"
    assert greffons["pole-emploi"]["version"] == "0.1.0"
    assert greffons["pole-emploi"]["regles"] == 1
    assert {"socle", "region-hdf", "etat"} <= set(greffons)  # les autres restent chargés

    tests = subprocess.run([str(python), "-m", "pytest", str(paquet), "-q", "-p", "no:cacheprovider",
                            "--rootdir", str(paquet)], capture_output=True, text=True, env=env, cwd=paquet,
                           check=False)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    # Trois exemples valides et un invalide (qui exige un constat citant « orientation 2 ») :
    # quatre tests passés, aucun en échec.
    assert "4 passed" in tests.stdout, tests.stdout


def test_dans_le_depot_le_greffon_prend_la_version_du_socle(tmp_path: Path) -> None:
    """Généré dans le dépôt (workspace uv de cdv-regles), le greffon lit sa version dans
    src/cdv_regles/__init__.py comme les sept autres : la publication l'accepte. Hors du dépôt,
    il a la sienne (0.1.0)."""
    import importlib.util
    import tomllib

    depot = Path(__file__).resolve().parents[1]
    dehors, tmp_path = tmp_path / "dehors", tmp_path / "depot"
    (tmp_path / "src" / "cdv_regles").mkdir(parents=True)
    shutil.copy(depot / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(depot / "src" / "cdv_regles" / "__init__.py", tmp_path / "src" / "cdv_regles" / "__init__.py")
    (tmp_path / "plugins").mkdir()
    r = nouveau("pole-emploi", "--dossier", str(tmp_path / "plugins"), "--partenaire", "Pôle emploi")
    assert r.exit_code == 0, r.output
    projet = tomllib.loads((tmp_path / "plugins" / "cdv-regles-pole-emploi" / "pyproject.toml").read_text())
    assert "version" not in projet["project"] and projet["project"]["dynamic"] == ["version"]
    assert projet["tool"]["hatch"]["version"]["path"] == "../../src/cdv_regles/__init__.py"

    spec = importlib.util.spec_from_file_location("publier", depot / "outils" / "publier.py")
    publier = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(publier)
    from cdv_regles import __version__

    assert publier.versions(tmp_path)["cdv-regles-pole-emploi"] == __version__

    dehors.mkdir()
    assert nouveau("pole-emploi", "--dossier", str(dehors)).exit_code == 0
    projet = tomllib.loads((dehors / "cdv-regles-pole-emploi" / "pyproject.toml").read_text())
    assert projet["project"]["version"] == "0.1.0" and "version" not in projet["tool"]["hatch"]

"""Le cache des YAML lus (cdv_regles.cache) : il épargne l'analyse des fichiers de règles à chaque
clic, sans jamais servir un contenu périmé ni empêcher une vérification."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cdv_regles import cache
from cdv_regles.donnees import lire_yaml
from cdv_regles.erreurs import RegleInvalide

RACINE = Path(__file__).resolve().parents[1]


@pytest.fixture
def dossier(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv(cache.VARIABLE, str(d))
    return d


def _entrees(d: Path) -> list[Path]:
    return sorted(d.rglob("*.pickle")) if d.exists() else []


def test_un_fichier_relu_vient_du_cache(dossier, tmp_path, monkeypatch) -> None:
    f = tmp_path / "regles.yaml"
    f.write_text("regles:\n  - id: R-1\n    depuis: 2023-01-01\n", encoding="utf-8")
    premier = lire_yaml(f)
    assert len(_entrees(dossier)) == 1
    import yaml

    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("analysé de nouveau"))
    assert lire_yaml(f) == premier
    assert str(premier["regles"][0]["depuis"]) == "2023-01-01"  # les dates gardent leur type


def test_un_caractere_change_et_le_fichier_est_relu(dossier, tmp_path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("plafond: 1000\n", encoding="utf-8")
    assert lire_yaml(f) == {"plafond": 1000}
    f.write_text("plafond: 1001\n", encoding="utf-8")  # même taille, même seconde
    assert lire_yaml(f) == {"plafond": 1001}
    assert len(_entrees(dossier)) == 2


def test_une_entree_abimee_ou_hostile_est_relue_du_yaml(dossier, tmp_path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    lire_yaml(f)
    (entree,) = _entrees(dossier)
    entree.write_bytes(b"\x80\x05pas un pickle")
    assert lire_yaml(f) == {"a": 1}

    class Piege:
        def __reduce__(self):
            return (os.system, ("echo piege > " + str(tmp_path / "piege"),))

    entree.write_bytes(pickle.dumps(Piege()))
    assert lire_yaml(f) == {"a": 1}
    assert not (tmp_path / "piege").exists()


def test_un_yaml_illisible_n_est_jamais_range(dossier, tmp_path) -> None:
    f = tmp_path / "casse.yaml"
    f.write_text("regles: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RegleInvalide, match="YAML illisible"):
            lire_yaml(f)
    assert _entrees(dossier) == []


def test_cache_desactive_ou_impossible(tmp_path, monkeypatch) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("a: [1, 2]\n", encoding="utf-8")
    monkeypatch.setenv(cache.VARIABLE, "non")
    assert cache.dossier_cache() is None and lire_yaml(f) == {"a": [1, 2]}
    bloque = tmp_path / "fichier-pas-dossier"
    bloque.write_text("x", encoding="utf-8")
    monkeypatch.setenv(cache.VARIABLE, str(bloque / "cache"))  # impossible à créer
    assert lire_yaml(f) == {"a": [1, 2]}


def test_verifier_avec_et_sans_cache_donne_le_meme_rapport(tmp_path) -> None:
    """Trois lancements de la commande : cache vide, cache plein, sans cache ; le même rapport."""
    rapports = []
    exemple = str(RACINE / "classeurs" / "exemple-programmation-2023.xlsx")
    for i, valeur in enumerate([str(tmp_path / "c"), str(tmp_path / "c"), "non"]):
        sortie = tmp_path / f"r{i}.json"
        env = {**os.environ, cache.VARIABLE: valeur}
        fini = subprocess.run(
            [sys.executable, "-m", "cdv_regles", "verifier", exemple,
             "--date", "2023-03-01", "--millesime", "2023", "--format", "json", "--sortie", str(sortie)],
            env=env, capture_output=True, text=True, timeout=300)
        assert fini.returncode == 1, fini.stderr
        rapports.append(sortie.read_text(encoding="utf-8"))
    assert len(_entrees(tmp_path / "c")) > 10
    assert rapports[0] == rapports[1] == rapports[2]

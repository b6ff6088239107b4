"""Lecture sûre des fichiers de données du projet (YAML, CSV)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from cdv_regles.erreurs import RegleInvalide


def lire_yaml(chemin: Path) -> Any:
    """Lit un YAML avec le chargeur sûr : aucune balise ne peut créer d'objet Python. Un fichier
    déjà lu à l'identique vient du cache (``cdv_regles.cache``)."""
    from cdv_regles import cache

    try:
        octets = Path(chemin).read_bytes()
    except OSError as e:
        raise RegleInvalide(str(chemin), f"fichier illisible ({e.__class__.__name__})") from None
    return cache.lire(octets, lambda o: _analyser_yaml(chemin, o))


def _analyser_yaml(chemin: Path, octets: bytes) -> Any:
    import yaml

    try:
        return yaml.load(octets.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        marque = getattr(e, "problem_mark", None)
        ou = f" (ligne {marque.line + 1}, colonne {marque.column + 1})" if marque else ""
        raise RegleInvalide(str(chemin), f"YAML illisible{ou} : {getattr(e, 'problem', e)}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RegleInvalide(str(chemin), f"fichier illisible ({e.__class__.__name__})") from None


def lire_csv(chemin: Path) -> list[dict[str, str]]:
    with open(chemin, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))

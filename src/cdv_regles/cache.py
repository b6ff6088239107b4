"""Le cache des fichiers YAML lus : leur contenu analysé, rangé sous l'empreinte de leurs octets.

Le bouton « Vérifier » lance un Python neuf à chaque clic, qui relit la vingtaine de fichiers de
règles et de paramètres : leur analyse YAML coûtait 60 ms par clic, pour un contenu qui ne change
presque jamais. L'empreinte SHA-256 des octets est la clé : un fichier modifié, même d'un
caractère, a une autre clé et il est relu (aucune date de fichier, aucun risque de périmé).

Le cache est un confort, jamais une condition : un dossier absent, en lecture seule ou plein,
une entrée abîmée, et le fichier est simplement analysé. Il ne contient que des dictionnaires,
listes, textes, nombres et dates (le chargeur n'accepte rien d'autre, une entrée qui
demanderait un autre objet Python est refusée et relue depuis le YAML).

Dossier : ``CDV_REGLES_CACHE`` s'il est défini (``non`` pour s'en passer), sinon
``cdv-regles`` dans le dossier de cache de l'utilisateur (``%LOCALAPPDATA%`` sous Windows,
``$XDG_CACHE_HOME`` ou ``~/.cache`` ailleurs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

VARIABLE = "CDV_REGLES_CACHE"
_SANS = {"non", "0", "off", "aucun"}
# Une entrée dépend des octets lus, de l'analyseur (le paquet) et du format de pickle.
_VERSION = f"yaml-1-py{sys.version_info[0]}{sys.version_info[1]}"
_PERMIS = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")}


def dossier_cache() -> Path | None:
    """Le dossier du cache, ou None quand il est désactivé ou introuvable."""
    valeur = os.environ.get(VARIABLE)
    if valeur is not None:
        return None if valeur.strip().lower() in _SANS or not valeur.strip() else Path(valeur).expanduser()
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME")
    try:
        racine = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # pas de dossier personnel (service, conteneur)
        return None
    return racine / "cdv-regles"


class _Chargeur(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PERMIS:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} n'a pas sa place dans le cache")


def lire(octets: bytes, analyser: Callable[[bytes], Any]) -> Any:
    """Le contenu analysé de ``octets`` : depuis le cache, ou ``analyser(octets)`` (puis rangé).
    Une erreur d'analyse remonte telle quelle et rien n'est rangé."""
    dossier = dossier_cache()
    if dossier is None:
        return analyser(octets)
    from cdv_regles import __version__

    cle = hashlib.sha256(f"{_VERSION}-{__version__}\0".encode() + octets).hexdigest()
    entree = dossier / cle[:2] / f"{cle}.pickle"
    try:
        with open(entree, "rb") as f:
            return _Chargeur(f).load()
    except Exception:  # absente, abîmée ou refusée par le chargeur : on relit le YAML
        pass
    contenu = analyser(octets)
    _ranger(entree, contenu)
    return contenu


def _ranger(entree: Path, contenu: Any) -> None:
    """Écrit l'entrée d'un coup (fichier temporaire puis renommage) : un autre clic qui lit en
    même temps voit l'ancienne absence ou la nouvelle entrée entière, jamais un morceau."""
    try:
        tampon = io.BytesIO()
        pickle.dump(contenu, tampon, protocol=pickle.HIGHEST_PROTOCOL)
        entree.parent.mkdir(parents=True, exist_ok=True)
        fd, temporaire = tempfile.mkstemp(dir=entree.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(tampon.getvalue())
            os.replace(temporaire, entree)
        except BaseException:
            Path(temporaire).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, RecursionError, TypeError, ValueError):
        pass  # lecture seule, disque plein, contenu inattendu : on s'en passe

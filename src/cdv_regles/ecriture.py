"""Écritures sûres : fichier temporaire dans le même dossier puis renommage atomique.

Le fichier de l'utilisateur (le classeur vérifié) n'est jamais la cible d'une écriture.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from cdv_regles.erreurs import ErreurCdv


def ecrire_octets(chemin: Path, donnees: bytes, *, protege: Path | None = None) -> None:
    chemin = Path(chemin)
    if protege is not None and chemin.exists() and Path(protege).exists() \
            and os.path.samefile(chemin, protege):
        raise ErreurCdv(f"{chemin} est le fichier vérifié : choisissez un autre fichier de sortie.")
    dossier = chemin.parent if str(chemin.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurCdv(f"le dossier {dossier} n'existe pas : créez-le ou choisissez un autre chemin.")
    try:
        fd, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=dossier)
    except OSError as e:
        raise ErreurCdv(f"impossible d'écrire dans {dossier} ({e.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(donnees)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp crée en 0600 : on rend les droits habituels (umask), pour un dossier partagé.
        masque = os.umask(0)
        os.umask(masque)
        os.chmod(temporaire, 0o666 & ~masque)
        os.replace(temporaire, chemin)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(temporaire)
        raise ErreurCdv(f"impossible d'écrire {chemin} ({e.strerror}).") from None


def ecrire_texte(chemin: Path, texte: str, *, protege: Path | None = None) -> None:
    ecrire_octets(chemin, texte.encode("utf-8"), protege=protege)

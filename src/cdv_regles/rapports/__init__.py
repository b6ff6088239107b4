"""Les formats de sortie de ``cdv-regles verifier`` : un module par format."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat

# format -> module de cdv_regles.rapports qui définit rendre(resultat, *, couleur, seuil) -> str
FORMATS = {"texte": "texte", "json": "json_", "junit": "junit", "github": "github", "markdown": "markdown"}


def rendre(format_: str, resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant",
           infos: bool = False) -> str:
    """``infos`` : le rapport texte détaille aussi les constats d'information (sinon comptés)."""
    module = import_module(f"cdv_regles.rapports.{FORMATS[format_]}")
    if format_ == "texte":
        return module.rendre(resultat, couleur=couleur, seuil=seuil, infos=infos)
    return module.rendre(resultat, couleur=couleur, seuil=seuil)

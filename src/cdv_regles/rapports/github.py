"""Format GitHub Actions : une annotation (commande de workflow) par constat.

``::error`` pour un constat bloquant, ``::warning`` pour une alerte, ``::notice`` pour une info,
avec le fichier et la ligne du classeur : GitHub les affiche sur la page de l'exécution et de la
pull request. Le message et les propriétés sont échappés comme le prévoit la documentation des
commandes de workflow (``%``, retours à la ligne ; en plus ``:`` et ``,`` dans les propriétés).

Le chemin du fichier est rendu relatif à la racine du dépôt (``$GITHUB_WORKSPACE``, sinon le
dossier courant) quand il s'y trouve : c'est ce que GitHub attend pour rattacher l'annotation.
La dernière ligne, hors annotation, résume la vérification dans le journal.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cdv_regles.affichage import visible
from cdv_regles.rapports.texte import resume_une_ligne

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat

COMMANDES = {"bloquant": "error", "alerte": "warning", "info": "notice"}


def echapper_message(texte: str) -> str:
    # Contrôles montrés (␛…) ; les retours à la ligne restent dans l'annotation (%0A), jamais une
    # nouvelle commande de workflow.
    texte = re.sub(r"[^\r\n]+", lambda m: visible(m.group(0)), texte)
    return texte.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def echapper_propriete(texte: str) -> str:
    return echapper_message(texte).replace(":", "%3A").replace(",", "%2C")


def annotation(commande: str, message: str, **proprietes: object) -> str:
    """Une commande ``::commande cle=valeur,…::message`` ; les propriétés None sont omises."""
    props = ",".join(f"{cle}={echapper_propriete(str(v))}" for cle, v in proprietes.items() if v is not None)
    return f"::{commande}{' ' + props if props else ''}::{echapper_message(message)}"


def chemin_depot(chemin: str) -> str:
    """Le chemin relatif à la racine du dépôt (séparateurs « / »), sinon tel quel."""
    if not chemin:
        return chemin
    racine = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        return Path(chemin).resolve().relative_to(racine.resolve()).as_posix()
    except (ValueError, OSError):
        return chemin.replace("\\", "/")


def cite(adresse: str, message: str) -> bool:
    """Vrai si le message cite déjà l'adresse A1 (« X3 » mais pas « AX3 » ni « X30 »)."""
    return re.search(rf"(?<![A-Z0-9]){re.escape(adresse)}(?![0-9])", message) is not None


def _titre(c: Constat) -> str:
    if c.ligne is None:
        ou = "Tableau"
    elif not c.dossier or c.dossier == f"ligne {c.ligne}":  # N° dossier manquant
        ou = f"Dossier sans N° (ligne {c.ligne})"
    else:
        ou = f"Dossier {c.dossier}"
    qui = "" if c.partenaire == "socle" else f" [{c.partenaire}]"
    return f"{ou} · {c.regle}{qui}"


def _message(c: Constat, cellules: list[str]) -> str:
    cellules = [a for a in cellules if not cite(a, c.message)]  # inutile de répéter une cellule citée
    message = c.message
    if cellules:
        message += f" (cellule{'s' if len(cellules) > 1 else ''} {', '.join(cellules)})"
    return message + (f"\nSource : {c.source}" if c.source else "")


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur, seuil
    fichier = chemin_depot(resultat.tableau.chemin)
    lignes = [annotation(COMMANDES[c.gravite], _message(c, resultat.cellules(c)),
                         file=fichier, line=c.ligne, title=_titre(c))
              for c in resultat.constats]
    lignes += [annotation("error", str(d), title="Greffon ou fichier de règles en défaut")
               for d in resultat.defauts]
    lignes.append(resume_une_ligne(resultat))
    return "\n".join(lignes) + "\n"

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

from cdv_regles.affichage import imprimable, visible
from cdv_regles.rapports.texte import resume_une_ligne

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat

COMMANDES = {"bloquant": "error", "alerte": "warning", "info": "notice"}


_HORS_SAUTS = re.compile(r"[^\r\n]+")


def echapper_message(texte: str) -> str:
    # Contrôles montrés (␛…) ; les retours à la ligne restent dans l'annotation (%0A), jamais une
    # nouvelle commande de workflow. Le cas courant, sans aucun non-imprimable (hors espaces
    # insécables), ne passe pas par re.sub : visible() ne change que des non-imprimables.
    if not imprimable(texte):
        texte = _HORS_SAUTS.sub(lambda m: visible(m.group(0)), texte)
    if "%" in texte:
        texte = texte.replace("%", "%25")
    if "\r" in texte or "\n" in texte:
        texte = texte.replace("\r", "%0D").replace("\n", "%0A")
    return texte


def echapper_propriete(texte: str) -> str:
    texte = echapper_message(texte)
    if ":" in texte or "," in texte:
        texte = texte.replace(":", "%3A").replace(",", "%2C")
    return texte


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


_AVANT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CHIFFRES = frozenset("0123456789")


def cite(adresse: str, message: str) -> bool:
    """Vrai si le message cite déjà l'adresse A1 (« X3 » mais pas « AX3 » ni « X30 »)."""
    # Recherche simple plutôt qu'une expression régulière par adresse : 50 000 adresses
    # différentes débordent le cache de ``re``, chacune recompilée (10 s pour un rapport).
    i = message.find(adresse)
    while i >= 0:
        fin = i + len(adresse)
        if (i == 0 or message[i - 1] not in _AVANT) and (fin == len(message) or message[fin] not in _CHIFFRES):
            return True
        i = message.find(adresse, i + 1)
    return False


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
    """Le message et les cellules en cause, sans la source (ajoutée par :func:`rendre`)."""
    cellules = [a for a in cellules if not cite(a, c.message)]  # inutile de répéter une cellule citée
    message = c.message
    if cellules:
        message += f" (cellule{'s' if len(cellules) > 1 else ''} {', '.join(cellules)})"
    return message


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur, seuil
    # Même texte que annotation(commande, message, file=, line=, title=) constat par constat,
    # mais le fichier et chaque source ne sont échappés qu'une fois : l'échappement agit
    # caractère par caractère, un texte s'échappe donc morceau par morceau.
    fichier = "file=" + echapper_propriete(chemin_depot(resultat.tableau.chemin))
    sources: dict[str, str] = {}
    lignes = []
    for c in resultat.constats:
        proprietes = fichier if c.ligne is None else f"{fichier},line={echapper_propriete(str(c.ligne))}"
        message = echapper_message(_message(c, resultat.cellules(c)))
        if c.source:
            try:
                source = sources[c.source]
            except KeyError:
                source = sources[c.source] = "%0ASource : " + echapper_message(f"{c.source}")
            except TypeError:  # source non hachable (constat de greffon mal typé) : sans mémoire
                source = "%0ASource : " + echapper_message(f"{c.source}")
            message += source
        lignes.append(f"::{COMMANDES[c.gravite]} {proprietes},title={echapper_propriete(_titre(c))}::{message}")
    lignes += [annotation("error", str(d), title="Greffon ou fichier de règles en défaut")
               for d in resultat.defauts]
    lignes.append(resume_une_ligne(resultat))
    return "\n".join(lignes) + "\n"

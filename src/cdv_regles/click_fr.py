"""Messages de click en français : l'aide et les erreurs d'usage sont lues par les utilisateurs.

click passe ses textes par ``gettext`` sans fournir de catalogue français : on remplace sa
fonction de traduction, module par module, par une table de correspondance.
"""

from __future__ import annotations

import importlib

TRADUCTIONS = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir {filename!r} : {message}",
    "Aborted!": "Abandon.",
    "default: {default}": "défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "file": "Le fichier",
    "directory": "Le dossier",
    "path": "Le chemin",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas accessible en écriture.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "unknown error": "erreur inconnue",
    "required": "obligatoire",
    # ngettext
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas l'une des valeurs {choices}.",
    "Got unexpected extra argument ({args})": "Argument en trop : ({args})",
    "Got unexpected extra arguments ({args})": "Arguments en trop : ({args})",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} attend {nargs} valeurs.",
    "No such option: {name}": "Option inconnue : {name}",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
}


def _traduire(message: str) -> str:
    return TRADUCTIONS.get(message, message)


def _ntraduire(singulier: str, pluriel: str, n: int) -> str:
    return _traduire(singulier if n == 1 else pluriel)


def installer() -> None:
    for nom in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui"):
        module = importlib.import_module(f"click.{nom}")
        if hasattr(module, "_"):
            module._ = _traduire  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ntraduire  # type: ignore[attr-defined]

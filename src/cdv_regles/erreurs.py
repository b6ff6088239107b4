"""Erreurs que l'utilisateur peut corriger : un message en français, jamais une trace Python."""

from __future__ import annotations

# Statuts de sortie de toutes les commandes (documentés dans README.md, ci/README.md et cli.py).
SORTIE_CONSTATS = 1  # des constats au seuil d'échec ou au-dessus
SORTIE_ENTREE = 2  # fichier inutilisable ou erreur d'usage
SORTIE_GREFFON = 3  # un greffon ou un fichier de règles est en défaut (les autres règles ont tourné)
SORTIE_INTERNE = 4  # erreur interne inattendue : message, trace dans un journal
SORTIE_INTERROMPU = 130  # Ctrl+C (128 + SIGINT, comme tout programme Unix)
SORTIE_TUBE_FERME = 141  # le lecteur a fermé le tube (« | head ») : 128 + SIGPIPE, comme les outils Unix


class ErreurCdv(Exception):
    """Erreur attendue, expliquée à l'utilisateur ; ``code_sortie`` est le statut de sortie."""

    code_sortie = 2

    def __init__(self, message: str) -> None:
        # Un nom de fichier ou une valeur cité peut porter des caractères de contrôle : montrés.
        from cdv_regles.affichage import visible

        message = visible(message, sauts=True)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class EntreeInvalide(ErreurCdv):
    """Le fichier donné ne peut pas être lu comme un tableau de programmation."""


class RegleInvalide(ErreurCdv):
    """Un fichier de règles, de paramètres ou de référentiel est mal formé."""

    def __init__(self, chemin: str, message: str, regle: str | None = None) -> None:
        ou = f"{chemin}" + (f", règle {regle}" if regle else "")
        super().__init__(f"Fichier de règles refusé ({ou}) : {message}")
        self.chemin = chemin
        self.regle = regle
        self.raison = message  # sans le préfixe, pour qui la cite ailleurs

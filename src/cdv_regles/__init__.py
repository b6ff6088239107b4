"""cdv-regles : contrôle du tableau de programmation d'un Contrat de Ville.

Le paquet n'importe rien de lourd à son chargement : le bouton « Vérifier » du classeur et
``cdv-regles --help`` démarrent un Python neuf à chaque fois.
"""

__version__ = "0.1.0"

"""caremgr: the domain core (rules and services) of the case-management app. No Tk here."""

__version__ = "0.1.0"

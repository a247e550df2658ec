"""The network hub of the six digital innovation centres of Mecklenburg-Vorpommern."""

__version__ = "0.1.0"

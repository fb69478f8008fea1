"""Card readers: PC/SC (SAM ID readers through vendor pseudo-APDUs, social-security cards
through standard APDUs), termb-style vendor SDKs, and a simulator for the demo.

See docs/devices-cards.md for configuration.
"""

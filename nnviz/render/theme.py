"""Colour themes for the canvas and exports: light, dark, and large-type lecture variants."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """Colours ("#rrggbb") and sizes (px for a 1080-px-tall target) of one look."""

    name: str
    background: str
    foreground: str
    muted: str
    panel: str
    highlight: str
    selection: str
    negative: str
    neutral: str
    positive: str
    flow_forward: str
    flow_backward: str
    error: str
    label_px: float = 15.0
    caption_px: float = 20.0
    line_scale: float = 1.0
    node_scale: float = 1.0
    small_net_px: float = 0.0  # numbers of networks up to 4 neurons a layer never shrink below
    # projection (lecture themes): what a projector washes out keeps ≥ 3:1 on the background
    band_edge: str = ""  # the rules at the sides of the phase's band ("" none)
    edge_floor: float = 0.0  # the least strength edge colours are laid over the background with
    edge_min_px: float = 0.0  # the thinnest edge, px at 1080 px

    @property
    def dark(self) -> bool:
        return self.name.endswith("dark")


_LIGHT = dict(
    background="#ffffff",
    foreground="#1f2328",
    muted="#6e7781",
    panel="#f3f4f6",
    highlight="#fff4d6",
    selection="#d1008f",
    negative="#2166ac",
    neutral="#f2f2f2",
    positive="#c25a00",
    flow_forward="#1a7f37",
    flow_backward="#8250df",
    error="#e00000",
)
_DARK = dict(
    background="#17191c",
    foreground="#e8eaed",
    muted="#9aa0a6",
    panel="#24272b",
    highlight="#3a3420",
    selection="#ff4fc8",
    negative="#5aa2e6",
    neutral="#3a3d42",
    positive="#f08a24",
    flow_forward="#3fb950",
    flow_backward="#b392f0",
    error="#ff5555",
)
THEMES: dict[str, Theme] = {
    "light": Theme("light", **_LIGHT),
    "dark": Theme("dark", **_DARK),
    "lecture-light": Theme(
        "lecture-light",
        **{**_LIGHT, "foreground": "#000000", "muted": "#444444", "highlight": "#ffeeb8"},
        label_px=42.0,  # digits (cap height) 31 px: legible from the back of a hall
        caption_px=34.0,
        small_net_px=41.0,
        line_scale=2.0,
        node_scale=1.25,
        band_edge="#9a7200",  # 4.4:1 on white
        edge_floor=0.85,  # the palette's orange at 0.85: 3.5:1 on white
        edge_min_px=2.0,
    ),
    "lecture-dark": Theme(
        "lecture-dark",
        **{
            **_DARK,
            "background": "#000000",
            "foreground": "#ffffff",
            "muted": "#c8c8c8",
            "highlight": "#40381c",
        },
        label_px=42.0,  # digits (cap height) 31 px: legible from the back of a hall
        caption_px=34.0,
        small_net_px=41.0,
        line_scale=2.0,
        node_scale=1.25,
        band_edge="#9c7c1c",  # 5.3:1 on black
        edge_floor=0.66,  # the palette's blue at 0.66: 3.8:1 on black
        edge_min_px=2.0,
    ),
}


def get_theme(name: str) -> Theme:
    """The theme called ``name``; KeyError lists the names there are."""
    try:
        return THEMES[name]
    except KeyError:
        raise KeyError(f"unknown theme {name!r}; themes are {', '.join(THEMES)}") from None

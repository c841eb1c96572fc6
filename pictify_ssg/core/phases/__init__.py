"""One build of the card pipeline, phase by phase (see `run`).

===========  ===================================================================  ===========
Phase        Job                                                                  Module
===========  ===================================================================  ===========
collect      which pages want a card, with which template, title, description    `collect`
plan         read templates; variables and fingerprints; cache lookups            `plan`
render       render the missing cards, store each as it arrives                   `render`
publish      card files into the site; URLs and tags; failed pages' way out       `publish`
report       warnings, the summary line, ``on_error: fail``                       `report`
===========  ===================================================================  ===========
"""

# Short alias of configs/stinet/stinet_x4_2xb15-500k_vimeo-septuplet.py (STINet, paper mode).
_base_ = ['./stinet/stinet_x4_2xb15-500k_vimeo-septuplet.py']

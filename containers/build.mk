# The Linux personality (containers/): its sources join the kernel through
# KERNEL_DIRS (kernel/build.mk); this fragment adds what the host tests cover.

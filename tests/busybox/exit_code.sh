# The script's own exit status reaches the runner.
# status: 7
echo "about to exit 7"
exit 7

echo "hello from the lesson folder"

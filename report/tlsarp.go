package report

// phHostName stands for the server name in a command when the capture
// gave none that may go there.
const phHostName = "<HOST-NAME>"

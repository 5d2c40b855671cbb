# vim: set fileencoding=koi8-r :
s = 'аб'
